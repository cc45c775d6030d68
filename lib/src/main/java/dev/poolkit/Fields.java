package dev.poolkit;

import java.util.LinkedHashMap;
import java.util.Map;

/** Builds a handler's fields in the order given, nulls allowed (unlike {@code Map.of}). */
public final class Fields {
    private Fields() {}

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
}
