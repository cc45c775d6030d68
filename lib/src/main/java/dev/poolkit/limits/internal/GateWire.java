package dev.poolkit.limits.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import dev.poolkit.internal.Json;
import dev.poolkit.limits.Gate;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gate's messages on the process pool's wire, beside tasks and results. Each is one JSON
 * line starting with {@code {"gate":}, so that neither side takes it for a task or a result.
 *
 * <pre>
 * worker -> parent  {"gate":"acquire","ticket":7,"host":"example.com:443","perHost":2,"rate":0.0,"jitter":0.0,"adaptive":false}
 * parent -> worker  {"gate":"granted","ticket":7}
 * worker -> parent  {"gate":"release","ticket":7}                  (or with "outcome":"ok", "busy" or "neutral")
 * worker -> parent  {"gate":"gap","host":"example.com:443","millis":2000}   (a Crawl-delay, kept for all the workers)
 * worker -> parent  {"gate":"pause","host":"example.com:443","millis":1000}
 * parent -> worker  {"gate":"pause","host":"example.com:443","millis":1000}   (to every other worker)
 * </pre>
 *
 * A ticket is unique within one worker process. The parent releases the tickets a worker still
 * holds when it dies.
 */
public final class GateWire {
    private GateWire() {}

    static final String PREFIX = "{\"gate\":";

    /** One message; fields a type does not use are 0 or null. */
    public record Message(String type, long ticket, String host, Gate.Limits limits, long millis, Gate.Outcome outcome) {
        public Message(String type, long ticket, String host, Gate.Limits limits, long millis) {
            this(type, ticket, host, limits, millis, null);
        }
    }

    public static boolean isGate(String line) {
        return line.startsWith(PREFIX);
    }

    static String acquire(long ticket, String host, Gate.Limits limits) {
        var map = message("acquire");
        map.put("ticket", ticket);
        map.put("host", host);
        map.put("perHost", limits.perHost());
        map.put("rate", limits.rate());
        map.put("jitter", limits.jitter());
        map.put("adaptive", limits.adaptive());
        return Json.write(map);
    }

    static String granted(long ticket) {
        var map = message("granted");
        map.put("ticket", ticket);
        return Json.write(map);
    }

    static String release(long ticket) {
        return release(ticket, null);
    }

    /** A release that says how the request went ({@code null}: not known). */
    static String release(long ticket, Gate.Outcome outcome) {
        var map = message("release");
        map.put("ticket", ticket);
        if (outcome != null) map.put("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT));
        return Json.write(map);
    }

    static String gap(String host, long millis) {
        var map = message("gap");
        map.put("host", host);
        map.put("millis", millis);
        return Json.write(map);
    }

    static String pause(String host, long millis) {
        var map = message("pause");
        map.put("host", host);
        map.put("millis", millis);
        return Json.write(map);
    }

    static Message read(String line) {
        try {
            JsonNode n = Json.MAPPER.readTree(line);
            String type = n.get("gate").asText();
            Gate.Limits limits = type.equals("acquire")
                    ? new Gate.Limits(n.get("perHost").asInt(), n.get("rate").asDouble(), n.get("jitter").asDouble(),
                            n.path("adaptive").asBoolean(false))
                    : null;
            String outcome = n.path("outcome").asText(null);
            return new Message(type, n.path("ticket").asLong(), n.path("host").asText(null), limits, n.path("millis").asLong(),
                    outcome == null ? null : Gate.Outcome.valueOf(outcome.toUpperCase(java.util.Locale.ROOT)));
        } catch (JsonProcessingException | NullPointerException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a poolkit gate line: " + line, e);
        }
    }

    private static LinkedHashMap<String, Object> message(String type) {
        var map = new LinkedHashMap<String, Object>();
        map.put("gate", type); // first, so that isGate() can tell by the prefix
        return map;
    }

}
