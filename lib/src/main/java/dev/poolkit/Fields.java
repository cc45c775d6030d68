package dev.poolkit;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Builds a handler's fields in the order given, nulls allowed (unlike {@code Map.of}), and names
 * the one field a run reads rather than writes: {@value #FOLLOW}.
 *
 * <h2>Following links</h2>
 * A handler adds items to a crawl by returning them under {@value #FOLLOW}: a collection of URLs
 * (relative ones are resolved against the item), or {@link #follow(Supplier)} to compute them only
 * when the run follows links:
 * <pre>{@code
 * return Fields.of("title", page.title(), "follow", Fields.follow(page::links));
 * }</pre>
 * The field is never written to the record. A pool that follows ({@link Pool#withFollow}, what
 * {@code --depth} turns on) evaluates a {@link Follow} on the handler's thread, right after the
 * handler returns, and hands the URLs to the run with the result; a pool that does not drops the
 * field without evaluating it, so a handler that offers its links pays nothing for them in a
 * plain run. If evaluating it throws, the item fails as if the handler had thrown.
 */
public final class Fields {
    private Fields() {}

    /** The field whose value is the items to follow from this one: never written to the record. */
    public static final String FOLLOW = "follow";

    /** {@code Fields.of("status", 200, "title", null)}: names at even places, values after them. */
    public static Map<String, Object> of(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("namesAndValues must come in pairs, got " + namesAndValues.length + " arguments");
        }
        var fields = new LinkedHashMap<String, Object>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.put(String.valueOf(namesAndValues[i]), namesAndValues[i + 1]);
        }
        return fields;
    }

    /**
     * The items to follow, computed only if the run follows links: the value of a
     * {@value #FOLLOW} field, e.g. {@code Fields.follow(page::links)}.
     */
    public static Follow follow(Supplier<? extends Collection<String>> items) {
        return new Follow(Objects.requireNonNull(items, "items"));
    }

    /** Items to follow, not computed yet: see {@link Fields#follow(Supplier)}. */
    public static final class Follow {
        private final Supplier<? extends Collection<String>> items;

        private Follow(Supplier<? extends Collection<String>> items) {
            this.items = items;
        }

        /** Computes the items, on the calling thread. */
        public Collection<String> get() {
            Collection<String> found = items.get();
            return found == null ? java.util.List.of() : found;
        }

        @Override
        public String toString() {
            return "Fields.follow(...)";
        }
    }
}
