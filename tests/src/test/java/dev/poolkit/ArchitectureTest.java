package dev.poolkit;

import com.sun.net.httpserver.HttpServer;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import dev.poolkit.fixtures.TestServer;
import dev.poolkit.fixtures.TestSupport;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lib's layout, held by a test rather than by memory. A room is a public package and the
 * internal packages that implement it:
 * <pre>
 * pools   dev.poolkit, dev.poolkit.internal.engine, dev.poolkit.internal.process
 * http    dev.poolkit.http, dev.poolkit.http.internal
 * limits  dev.poolkit.limits, dev.poolkit.limits.internal
 * demo    dev.poolkit.demo
 * crawl   dev.poolkit.crawl, dev.poolkit.crawl.internal
 * queue   dev.poolkit.queue, dev.poolkit.queue.internal
 * cli     dev.poolkit.cli, dev.poolkit.cli.internal
 * util    dev.poolkit.internal
 * </pre>
 * Dependencies point one way: cli -> pools, http, demo -> limits -> util; cli -> queue -> crawl -> util;
 * http -> crawl, for robots.txt only; queue -> limits, for the limits it keeps in Redis ({@code RedisGates}).
 *
 * <p>The tests' layout too: unit tests in the lib's packages, the rest in {@link #TEST_ONLY_PACKAGES},
 * and one test server.
 */
class ArchitectureTest {
    static final JavaClasses LIB = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.poolkit");

    static final JavaClasses TESTS = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
            .importPackages("dev.poolkit");

    /** The test packages that mirror no package of the lib, and what they hold. */
    static final Set<String> TEST_ONLY_PACKAGES = Set.of(
            "dev.poolkit.fixtures",   // what tests share: the test server, helpers, worker programs
            "dev.poolkit.processes",  // tests that spawn worker processes
            "dev.poolkit.e2e");       // tests that run the templates through ./jbang

    static final String[] FRONT_DOORS = {"dev.poolkit.Pool", "dev.poolkit.ThreadPool", "dev.poolkit.AsyncPool",
            "dev.poolkit.ProcessPool", "dev.poolkit.JsonLines", "dev.poolkit.Csv", "dev.poolkit.http.Fetcher", "dev.poolkit.demo.DemoSite",
            "dev.poolkit.crawl.LocalFrontier", "dev.poolkit.crawl.Robots",
            "dev.poolkit.queue.RedisFrontier", "dev.poolkit.queue.Queue"};

    static String roomOf(String pkg) {
        if (pkg.equals("dev.poolkit") || pkg.startsWith("dev.poolkit.internal.")) return "pools";
        if (pkg.equals("dev.poolkit.internal")) return "util";
        for (String room : new String[]{"http", "limits", "demo", "cli", "crawl", "queue"}) {
            if (pkg.equals("dev.poolkit." + room) || pkg.startsWith("dev.poolkit." + room + ".")) return room;
        }
        return null;
    }

    @Test
    void roomsHaveNoCycles() {
        SliceAssignment rooms = new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass c) {
                String room = roomOf(c.getPackageName());
                return room == null ? SliceIdentifier.ignore() : SliceIdentifier.of(room);
            }

            @Override
            public String getDescription() {
                return "poolkit's rooms";
            }
        };
        slices().assignedFrom(rooms).should().beFreeOfCycles().check(LIB);
    }

    @Test
    void internalCodeNeverUsesAFrontDoor() {
        noClasses().that().resideInAPackage("dev.poolkit..internal..")
                .should().dependOnClassesThat().haveNameMatching("(" + String.join("|", FRONT_DOORS).replace(".", "\\.") + ")(\\$.*)?")
                .check(LIB);
    }

    @Test
    void httpKnowsOnlyFailureOfThePoolsAndNothingOfProcessesOrTheCommandLine() {
        noClasses().that().resideInAPackage("dev.poolkit.http..")
                .should().dependOnClassesThat(resideInAnyPackage("dev.poolkit.internal.engine..", "dev.poolkit.internal.process..",
                        "dev.poolkit.cli..", "dev.poolkit.demo..")
                        .or(resideInAPackage("dev.poolkit").and(not(equivalentTo(Failure.class)))))
                .check(LIB);
    }

    @Test
    void aRoomsInternalsDoNotReachBackIntoItsFrontPackage() {
        noClasses().that().resideInAPackage("dev.poolkit.http.internal..")
                .should().dependOnClassesThat().resideInAPackage("dev.poolkit.http")
                .check(LIB);
        noClasses().that().resideInAPackage("dev.poolkit.cli.internal..")
                .should().dependOnClassesThat().resideInAPackage("dev.poolkit.cli")
                .check(LIB);
        noClasses().that().resideInAPackage("dev.poolkit.crawl.internal..")
                .should().dependOnClassesThat().resideInAPackage("dev.poolkit.crawl")
                .check(LIB);
        noClasses().that().resideInAPackage("dev.poolkit.queue.internal..")
                .should().dependOnClassesThat().resideInAPackage("dev.poolkit.queue")
                .check(LIB);
    }

    @Test
    void queueDependsOnCrawlLimitsAndUtilOnlyAndIsTheOnlyRoomThatKnowsRedis() {
        // The queue is a backend of the crawl room's frontier and of the limits room's gates: it
        // knows their contracts, not who runs them.
        noClasses().that().resideInAPackage("dev.poolkit.queue..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.poolkit", "dev.poolkit.http..", "dev.poolkit.limits.internal..",
                        "dev.poolkit.crawl.internal..", "dev.poolkit.internal.engine..", "dev.poolkit.internal.process..",
                        "dev.poolkit.cli..", "dev.poolkit.demo..")
                .check(LIB);
        noClasses().that().resideOutsideOfPackage("dev.poolkit.queue..")
                .should().dependOnClassesThat().resideInAPackage("redis.clients..")
                .check(LIB);
    }

    @Test
    void httpUsesOfTheCrawlRoomOnlyItsRobotsTxtRules() {
        // A fetcher obeys robots.txt (Fetcher.Builder.robots); the frontier, scope and sitemaps
        // are the command line's to put together, not the fetcher's.
        noClasses().that().resideInAPackage("dev.poolkit.http..")
                .should().dependOnClassesThat(resideInAPackage("dev.poolkit.crawl..")
                        .and(not(describe("Robots and its Answer", c -> c.getName().startsWith("dev.poolkit.crawl.Robots")))))
                .check(LIB);
    }

    @Test
    void crawlDependsOnNoOtherRoomButUtil() {
        // Robots.txt is fetched through a function it is given, so that the fetcher and its
        // limits can be plugged in without the frontier knowing http.
        noClasses().that().resideInAPackage("dev.poolkit.crawl..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.poolkit", "dev.poolkit.http..", "dev.poolkit.limits..",
                        "dev.poolkit.internal.engine..", "dev.poolkit.internal.process..", "dev.poolkit.cli..", "dev.poolkit.demo..")
                .check(LIB);
    }

    @Test
    void limitsAndUtilDependOnNoOtherRoom() {
        noClasses().that().resideInAPackage("dev.poolkit.limits..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.poolkit", "dev.poolkit.http..",
                        "dev.poolkit.internal.engine..", "dev.poolkit.internal.process..", "dev.poolkit.cli..", "dev.poolkit.demo..")
                .check(LIB);
        // sun.misc: the JDK's signals (jdk.unsupported), for Signals.
        noClasses().that().resideInAPackage("dev.poolkit.internal")
                .should().dependOnClassesThat().resideOutsideOfPackages("dev.poolkit.internal", "java..", "com.fasterxml..", "sun.misc..")
                .check(LIB);
    }

    @Test
    void onlyTheCommandLineUsesPicocliAndOnlyTheDemoSiteUsesTheJdkHttpServer() {
        noClasses().that().resideOutsideOfPackage("dev.poolkit.cli..")
                .should().dependOnClassesThat().resideInAPackage("picocli..")
                .check(LIB);
        noClasses().that().resideOutsideOfPackage("dev.poolkit.demo..")
                .should().dependOnClassesThat().resideInAPackage("com.sun.net.httpserver..")
                .check(LIB);
    }

    @Test
    void testPackagesMirrorTheLibsOrAreFixturesProcessesOrEndToEnd() {
        Set<String> libPackages = LIB.stream().map(JavaClass::getPackageName).collect(Collectors.toSet());
        Set<String> strays = new TreeSet<>();
        for (JavaClass c : TESTS) {
            if (!libPackages.contains(c.getPackageName()) && !TEST_ONLY_PACKAGES.contains(c.getPackageName())) strays.add(c.getName());
        }
        assertTrue(strays.isEmpty(), "test classes in a package the lib does not have: " + strays);
    }

    @Test
    void noTestStartsAServerOfItsOwnButTheTestServer() {
        noClasses().that().doNotBelongToAnyOf(TestServer.class)
                .should().callMethodWhere(describe("HttpServer.create or HttpsServer.create",
                        call -> call.getTargetOwner().isAssignableTo(HttpServer.class) && call.getName().equals("create")))
                .because("every test that needs an HTTP server uses TestServer, or the demo site")
                .check(TESTS);
        noClasses().that().doNotBelongToAnyOf(TestSupport.class)
                .should().callConstructorWhere(describe("a ServerSocket constructor",
                        call -> call.getTargetOwner().isAssignableTo(ServerSocket.class)))
                .because("a port nothing listens on is TestSupport.refusedPort()")
                .check(TESTS);
    }

    @Test
    void nothingButTheCommandLineKnowsTheCommandLine() {
        noClasses().that().resideOutsideOfPackage("dev.poolkit.cli..")
                .should().dependOnClassesThat().resideInAPackage("dev.poolkit.cli..")
                .check(LIB);
    }
}
