package dev.poolkit.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

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
            // A handler's Instant, LocalDate, Duration... as ISO-8601 strings, not numbers or a
            // failed record; an Optional as its value or null.
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .addModule(new Jdk8Module())
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
