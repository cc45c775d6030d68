package dev.poolkit.internal.process;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.poolkit.Result;
import dev.poolkit.internal.Json;
import dev.poolkit.internal.engine.Results;

import java.util.LinkedHashMap;
import java.util.Map;

/** The process pool's wire: one JSON object per line, each carrying the task's id. */
public final class Wire {
    private Wire() {}

    /** A result read off the wire. */
    public record Answer(long id, Result result) {}

    public static String writeTask(WorkerSlot.Task task) {
        return Json.write(Map.of("id", task.id(), "item", task.item()));
    }

    public static WorkerSlot.Task readTask(String line) {
        try {
            JsonNode node = Json.MAPPER.readTree(line);
            return new WorkerSlot.Task(node.get("id").asLong(), node.get("item").asText());
        } catch (JsonProcessingException | NullPointerException e) {
            throw new IllegalArgumentException("not a poolkit task line: " + line, e);
        }
    }

    /** The answer's line; a result whose fields cannot be written becomes a failure that says so. */
    public static String writeResult(long id, Result result) {
        var map = new LinkedHashMap<String, Object>();
        map.put("id", id);
        map.put("result", result.toMap());
        try {
            return Json.write(map);
        } catch (IllegalArgumentException unwritable) {
            map.put("result", Results.unwritable(result, unwritable).toMap());
            return Json.write(map);
        }
    }

    private static final String ANSWER_START = "{\"id\":";

    /**
     * The answer on this line, or {@code null} if it is not one (stray output of the worker).
     * Native code or a raw write to the worker's stdout can leave text without a newline just
     * before an answer; the answer is still found after it, since a lost answer would leave its
     * task waiting for ever.
     */
    public static Answer readAnswer(String line) {
        for (int at = line.indexOf(ANSWER_START); at >= 0; at = line.indexOf(ANSWER_START, at + 1)) {
            Answer answer = answerAt(line, at);
            if (answer != null) return answer;
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static Answer answerAt(String line, int at) {
        try {
            Map<String, Object> map = Json.MAPPER.readValue(at == 0 ? line : line.substring(at), Map.class);
            if (!(map.get("id") instanceof Number id) || !(map.get("result") instanceof Map<?, ?> result)) return null;
            return new Answer(id.longValue(), Result.fromMap((Map<String, ?>) result));
        } catch (JsonProcessingException e) {
            return null;
        }
    }

}
