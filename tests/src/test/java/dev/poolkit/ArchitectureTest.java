package dev.poolkit;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The lib's layout, held by a test rather than by memory. A room is a public package and the
 * internal packages that implement it:
 * <pre>
 * pools   dev.poolkit, dev.poolkit.internal.engine, dev.poolkit.internal.process
 * http    dev.poolkit.http, dev.poolkit.http.internal
 * limits  dev.poolkit.limits, dev.poolkit.limits.internal
 * demo    dev.poolkit.demo
 * crawl   dev.poolkit.crawl, dev.poolkit.crawl.internal
 * cli     dev.poolkit.cli, dev.poolkit.cli.internal
 * util    dev.poolkit.internal
 * </pre>
 * Dependencies point one way: cli -> pools, http, demo -> limits -> util; cli -> crawl -> util.
 */
class ArchitectureTest {
    static final JavaClasses LIB = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.poolkit");

    static final String[] FRONT_DOORS = {"dev.poolkit.Pool", "dev.poolkit.ThreadPool", "dev.poolkit.AsyncPool",
            "dev.poolkit.ProcessPool", "dev.poolkit.JsonLines", "dev.poolkit.http.Fetcher", "dev.poolkit.demo.DemoSite",
            "dev.poolkit.crawl.LocalFrontier", "dev.poolkit.crawl.Robots"};

    static String roomOf(String pkg) {
        if (pkg.equals("dev.poolkit") || pkg.startsWith("dev.poolkit.internal.")) return "pools";
        if (pkg.equals("dev.poolkit.internal")) return "util";
        for (String room : new String[]{"http", "limits", "demo", "cli", "crawl"}) {
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
        noClasses().that().resideInAPackage("dev.poolkit.internal")
                .should().dependOnClassesThat().resideOutsideOfPackages("dev.poolkit.internal", "java..", "com.fasterxml..")
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
    void nothingButTheCommandLineKnowsTheCommandLine() {
        noClasses().that().resideOutsideOfPackage("dev.poolkit.cli..")
                .should().dependOnClassesThat().resideInAPackage("dev.poolkit.cli..")
                .check(LIB);
    }
}
