package dev.poolkit;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvTest {

    /** The rows of {@code csv}, read by jackson-dataformat-csv with its header, columns in order. */
    static List<Map<String, String>> read(String csv) throws Exception {
        try (MappingIterator<Map<String, String>> rows = new CsvMapper().readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(csv)) {
            return rows.readAll();
        }
    }

    static String write(Result... results) throws Exception {
        var bytes = new ByteArrayOutputStream();
        try (var out = Csv.writer(bytes)) {
            for (Result r : results) out.write(r);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aFieldWithCommasQuotesAndNewlinesRoundTripsThroughACsvReader() throws Exception {
        String nasty = "a, \"quoted\" thing,\nsecond line\r\nthird, \"\"";
        String csv = write(Result.success("https://x/?a=1,b=\"2\"", 200, 7, Map.of("title", nasty)),
                Result.failure("item, two", null, "boom, \"bang\"\nend", "handler", 3));

        List<Map<String, String>> rows = read(csv);

        assertEquals(2, rows.size(), csv);
        assertEquals("https://x/?a=1,b=\"2\"", rows.get(0).get("item"));
        assertEquals(nasty, rows.get(0).get("title"));
        assertEquals("true", rows.get(0).get("ok"));
        assertEquals("200", rows.get(0).get("status"));
        assertEquals("item, two", rows.get(1).get("item"));
        assertEquals("boom, \"bang\"\nend", rows.get(1).get("error"));
        assertEquals("", rows.get(1).get("title"));
    }

    @Test
    void headerIsTheFixedColumnsThenTheFirstRecordsFieldsThenFields() throws Exception {
        var fields = new LinkedHashMap<String, Object>();
        fields.put("title", "t");
        fields.put("links", 3);
        String csv = write(Result.success("a", 200, 1, fields));

        assertEquals("item,ok,status,error,errorKind,millis,title,links,fields", csv.lines().findFirst().orElseThrow());
    }

    @Test
    void aLaterRecordsFieldWithoutAColumnGoesIntoFieldsAsJson() throws Exception {
        var later = new LinkedHashMap<String, Object>();
        later.put("title", "u");
        later.put("extra", List.of(1, "two"));
        String csv = write(Result.success("a", 200, 1, Map.of("title", "t")), Result.success("b", 200, 1, later));

        List<Map<String, String>> rows = read(csv);

        assertEquals(new ArrayList<>(List.of("item", "ok", "status", "error", "errorKind", "millis", "title", "fields")),
                new ArrayList<>(rows.get(0).keySet()));
        assertEquals("", rows.get(0).get("fields"));
        assertEquals("u", rows.get(1).get("title"));
        assertEquals("{\"extra\":[1,\"two\"]}", rows.get(1).get("fields"));
    }

    @Test
    void javaTimeValuesAreIsoStringsAndAnEmptyOptionalAnEmptyCell() throws Exception {
        var fields = new LinkedHashMap<String, Object>();
        fields.put("at", Instant.parse("2026-12-01T10:15:30Z"));
        fields.put("maybe", Optional.empty());
        fields.put("some", Optional.of(5));
        List<Map<String, String>> rows = read(write(Result.success("a", null, 1, fields)));

        assertEquals("2026-12-01T10:15:30Z", rows.get(0).get("at"));
        assertEquals("", rows.get(0).get("maybe"));
        assertEquals("5", rows.get(0).get("some"));
        assertEquals("", rows.get(0).get("status"));
    }

    @Test
    void aRecordThatCannotBeWrittenIsWrittenAndReturnedAsAFailure() throws Exception {
        var bytes = new ByteArrayOutputStream();
        Result written;
        try (var out = Csv.writer(bytes)) {
            out.write(Result.success("a", 200, 1, Map.of("thing", "ok")));
            written = out.write(Result.success("b", 200, 1, Map.of("thing", new Object())));
        }
        List<Map<String, String>> rows = read(bytes.toString(StandardCharsets.UTF_8));

        assertEquals(false, written.ok());
        assertEquals("false", rows.get(1).get("ok"));
        assertTrue(rows.get(1).get("error").contains("cannot be written"), rows.get(1)::toString);
    }
}
