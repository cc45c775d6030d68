package dev.poolkit.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one configured Jackson mapper: thread-safe once built. */
public final class Json {
    private Json() {}

    public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    // Jackson keeps its buffers per thread by default, and our records are written
                    // from a new virtual thread each: it allocated ~16 KB of fresh buffers per record.
                    .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                    .build())
            // A JSON Lines sink owns its stream: writing a value must not close it.
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .build();

    /** {@code value} as one line of JSON, or IllegalArgumentException if it cannot be written. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
