package dev.poolkit.internal.process;

import com.fasterxml.jackson.databind.JsonNode;
import dev.poolkit.internal.Json;
import dev.poolkit.internal.process.WorkerSlot.Task;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The wire's lines: the fixed shapes written and read by hand agree with JSON, and other shapes still read. */
class WireTest {

    @Test
    void aTaskLineIsJsonAndReadsBackAsItsTaskWhateverItsItemHolds() throws Exception {
        for (String item : new String[]{"https://example.com/a?b=1&c=%22", "", "say \"hi\"", "back\\slash",
                "tab\tnew\nline", "ünïcödé 漢字 🙂", "\u0001control", "ends with \"}"}) {
            var task = new Task(42, item);
            String line = Wire.writeTask(task);

            JsonNode node = Json.MAPPER.readTree(line);
            assertEquals(42, node.get("id").asLong(), line);
            assertEquals(item, node.get("item").asText(), line);
            assertEquals(task, Wire.readTask(line), line);
            assertEquals(42, Wire.readTaskId(line), line);
            assertTrue(line.indexOf('\n') < 0, "one line: " + line);
        }
    }

    @Test
    void aTaskLineOfAnotherShapeIsReadByJson() {
        assertEquals(new Task(5, "x"), Wire.readTask("{\"item\":\"x\",\"id\":5}"));
        assertEquals(5, Wire.readTaskId("{\"item\":\"x\",\"id\":5}"));
        assertEquals(new Task(6, "a\"b"), Wire.readTask("{ \"id\" : 6, \"item\" : \"a\\\"b\" }"));
    }

    @Test
    void aLineThatIsNoTaskIsRefusedWithItsText() {
        var e = assertThrows(IllegalArgumentException.class, () -> Wire.readTask("garbage"));
        assertTrue(e.getMessage().contains("garbage"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Wire.readTaskId("{\"id\":"));
    }

    @Test
    void startedCancelledAndCancelLinesReadBackTheirIds() {
        assertEquals(new Wire.Started(7), Wire.readFromWorker(Wire.writeStarted(7)));
        assertEquals(new Wire.Cancelled(8), Wire.readFromWorker(Wire.writeCancelled(8)));
        assertEquals(9, Wire.readCancel(Wire.writeCancel(9)));
        assertEquals(new Wire.Started(7), Wire.readFromWorker("{\"started\": 7 }"), "another shape: read by JSON");
        assertEquals(new Wire.Started(7), Wire.readFromWorker("stray text{\"started\":7}"), "after stray text");
        assertNull(Wire.readFromWorker("{\"started\":7,\"other\":1}"));
        assertNull(Wire.readFromWorker("{\"started\":\"seven\"}"));
    }
}
