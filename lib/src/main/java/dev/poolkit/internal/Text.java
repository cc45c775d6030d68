package dev.poolkit.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Small text helpers every room uses: one-line messages and header lookup. */
public final class Text {
    private Text() {}

    /** {@code s} on one line: line breaks and the spaces around them become {@code " | "}. */
    public static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " | ");
    }

    /** The first value of a header in {@code headers} (names in lower case), by case-insensitive name. */
    public static Optional<String> firstHeader(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }
}
