package dev.poolkit.internal.process;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.poolkit.Result;
import dev.poolkit.internal.Json;
import dev.poolkit.internal.engine.Results;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The process pool's wire: one JSON object per line, each carrying the task's id.
 *
 * <pre>
 * parent -> worker  {"id":7,"item":"..."}          a task
 * worker -> parent  {"started":7}                  a thread of the worker starts it now
 * worker -> parent  {"id":7,"result":{...}}        its result
 * parent -> worker  {"cancel":7}                   give it back if no thread has started it
 * worker -> parent  {"cancelled":7}                given back: it will not run here
 * </pre>
 * A task the parent asks back is answered with exactly one of {@code started} (sent already, or
 * soon: too late to take it back) and {@code cancelled}. The fetchers' gate messages share the
 * wire (see {@code GateWire}).
 */
public final class Wire {
    private Wire() {}

    /** A line a worker writes for its parent, besides gate messages. */
    public sealed interface FromWorker permits Answer, Started, Cancelled {}

    /** A result read off the wire. */
    public record Answer(long id, Result result) implements FromWorker {}

    /** A worker thread started task {@code id}. */
    public record Started(long id) implements FromWorker {}

    /** The worker gave task {@code id} back, as asked: no thread of it will run it. */
    public record Cancelled(long id) implements FromWorker {}

    // The lines are read and written once per item on each side: the fixed shapes are written and
    // read by hand, and anything else (an item with escapes, a line another writer made) by Jackson.
    private static final String TASK_START = "{\"id\":";
    private static final String TASK_ITEM = ",\"item\":\"";

    public static String writeTask(WorkerSlot.Task task) {
        var sb = new StringBuilder(task.item().length() + 32).append(TASK_START).append(task.id()).append(TASK_ITEM);
        return sb.append(JsonStringEncoder.getInstance().quoteAsString(task.item())).append("\"}").toString();
    }

    public static WorkerSlot.Task readTask(String line) {
        int idEnd = digitsEnd(line, TASK_START.length());
        if (line.startsWith(TASK_START) && idEnd > 0 && line.startsWith(TASK_ITEM, idEnd) && line.endsWith("\"}")) {
            int from = idEnd + TASK_ITEM.length(), to = line.length() - 2;
            if (from <= to && line.indexOf('\\', from) < 0 && line.indexOf('"', from) == to) {
                return new WorkerSlot.Task(Long.parseLong(line, TASK_START.length(), idEnd, 10), line.substring(from, to));
            }
        }
        try {
            JsonNode node = Json.MAPPER.readTree(line);
            return new WorkerSlot.Task(node.get("id").asLong(), node.get("item").asText());
        } catch (JsonProcessingException | NullPointerException e) {
            throw new IllegalArgumentException("not a poolkit task line: " + line, e);
        }
    }

    /** The id of a task line, without reading its item when the line has the usual shape. */
    public static long readTaskId(String line) {
        int idEnd = digitsEnd(line, TASK_START.length());
        if (line.startsWith(TASK_START) && idEnd > 0 && line.startsWith(TASK_ITEM, idEnd)) {
            return Long.parseLong(line, TASK_START.length(), idEnd, 10);
        }
        return readTask(line).id();
    }

    // The end of the digits of a non-negative number at {@code from} (at most 18 digits), or -1.
    private static int digitsEnd(String line, int from) {
        int at = from;
        while (at < line.length() && at - from < 18 && line.charAt(at) >= '0' && line.charAt(at) <= '9') at++;
        return at > from && at - from < 18 ? at : -1;
    }

    /**
     * Loads what writing an answer and reading a task by Jackson use, a few hundred milliseconds
     * in a JVM just started (more on a busy machine). A worker calls it before it reads its first
     * task, so that this is not counted in the first item's time, from {@code started} to its
     * answer, which an item timeout limits.
     */
    public static void warmUp() {
        writeResult(0, Result.success("", 200, 0, Map.of("field", 1, "text", "")));
        readTask("{\"item\":\"\\u0020\",\"id\":0}");
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

    public static String writeStarted(long id) {
        return STARTED_START + id + "}";
    }

    public static String writeCancel(long id) {
        return CANCEL_START + id + "}";
    }

    public static String writeCancelled(long id) {
        return CANCELLED_START + id + "}";
    }

    /** Whether the parent's line is a {@code cancel}, not a task. */
    public static boolean isCancel(String line) {
        return line.startsWith(CANCEL_START);
    }

    /** The id of the task a {@code cancel} line asks back. */
    public static long readCancel(String line) {
        long id = idOf(line, CANCEL_START);
        if (id >= 0) return id;
        try {
            return Json.MAPPER.readTree(line).get("cancel").asLong();
        } catch (JsonProcessingException | NullPointerException e) {
            throw new IllegalArgumentException("not a poolkit cancel line: " + line, e);
        }
    }

    private static final String CANCEL_START = "{\"cancel\":";
    private static final String ANSWER_START = "{\"id\":";
    private static final String STARTED_START = "{\"started\":";
    private static final String CANCELLED_START = "{\"cancelled\":";
    private static final String[] FROM_WORKER_STARTS = {ANSWER_START, STARTED_START, CANCELLED_START};

    /**
     * What the worker says on this line, or {@code null} if it is none of the {@link FromWorker}
     * lines (stray output of the worker). As for {@link #readAnswer}, a message is found after
     * stray text on the same line.
     */
    public static FromWorker readFromWorker(String line) {
        for (int at = line.indexOf("{\""); at >= 0; at = line.indexOf("{\"", at + 1)) {
            for (String start : FROM_WORKER_STARTS) {
                if (!line.startsWith(start, at)) continue;
                FromWorker message = start.equals(ANSWER_START) ? answerAt(line, at) : idMessageAt(line, at);
                if (message != null) return message;
            }
        }
        return null;
    }

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

    // The id of a whole line {@code start + digits + "}"}, or -1 if the line is not that.
    private static long idOf(String line, String start) {
        if (!line.startsWith(start) || !line.endsWith("}")) return -1;
        int end = digitsEnd(line, start.length());
        return end == line.length() - 1 ? Long.parseLong(line, start.length(), end, 10) : -1;
    }

    private static FromWorker idMessageAt(String line, int at) {
        if (at == 0) {
            long id = idOf(line, STARTED_START);
            if (id >= 0) return new Started(id);
            id = idOf(line, CANCELLED_START);
            if (id >= 0) return new Cancelled(id);
        }
        try {
            Map<?, ?> map = Json.MAPPER.readValue(at == 0 ? line : line.substring(at), Map.class);
            if (map.size() != 1) return null;
            if (map.get("started") instanceof Number id) return new Started(id.longValue());
            if (map.get("cancelled") instanceof Number id) return new Cancelled(id.longValue());
            return null;
        } catch (JsonProcessingException e) {
            return null;
        }
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
