package dev.poolkit;

/**
 * The program {@link FaultSiteTest} starts in a JVM with a small heap: fetches the URL given with
 * the default fetcher and prints what became of it. Exit code 0 when the fetch failed as
 * {@code too-large}, 3 when it succeeded, 4 for any other failure.
 */
public final class SmallHeapFetch {
    private SmallHeapFetch() {}

    public static void main(String[] args) throws Exception {
        try (var fetcher = Fetcher.builder().build()) {
            Page page = fetcher.get(args[0]);
            System.out.println("fetched " + page.bytes() + " bytes");
            System.exit(3);
        } catch (FetchException e) {
            System.out.println(e.kind().label() + ": " + e.getMessage());
            System.exit(e.kind() == FetchException.Kind.TOO_LARGE ? 0 : 4);
        }
    }
}
