package poolkit.micro;

import dev.poolkit.Fields;
import dev.poolkit.JsonLines;
import dev.poolkit.Result;
import dev.poolkit.http.Page;
import dev.poolkit.internal.Json;
import dev.poolkit.internal.process.Wire;
import dev.poolkit.internal.process.WorkerSlot;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One Result as one JSON line: JsonLines against plain Jackson; and the process pool's wire. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Lines {
    static final Result RESULT = Result.success("http://127.0.0.1:8080/page/123456", 200, 3,
            Fields.of("status", 200, "bytes", 2048, "title", "Bench page"));

    JsonLines.Writer toNowhere, toFile;
    OutputStream jacksonToFile, jacksonBuffered;
    Path dir;

    @Setup(Level.Iteration)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("poolkit-micro");
        toNowhere = JsonLines.writer(OutputStream.nullOutputStream());
        toFile = JsonLines.writer(dir.resolve("jsonlines.jsonl"), false);
        jacksonToFile = Files.newOutputStream(dir.resolve("jackson.jsonl"), StandardOpenOption.CREATE_NEW);
        jacksonBuffered = new BufferedOutputStream(Files.newOutputStream(dir.resolve("buffered.jsonl"), StandardOpenOption.CREATE_NEW), 1 << 16);
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws IOException {
        toNowhere.close();
        toFile.close();
        jacksonToFile.close();
        jacksonBuffered.close();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) Files.delete(f);
        }
        Files.delete(dir);
    }

    @Benchmark
    public void jsonLinesToNowhere() {
        toNowhere.accept(RESULT);
    }

    /** The same bytes with no JsonLines in the way: Jackson on the result's map. */
    @Benchmark
    public byte[] jacksonToNowhere() throws IOException {
        byte[] line = Json.MAPPER.writeValueAsBytes(RESULT.toMap());
        OutputStream.nullOutputStream().write(line);
        return line;
    }

    @Benchmark
    public void jsonLinesToFile() {
        toFile.accept(RESULT);
    }

    /** One write(2) per line, as a sink that loses no finished line must do at least. */
    @Benchmark
    public void jacksonToFileOneWritePerLine() throws IOException {
        byte[] json = Json.MAPPER.writeValueAsBytes(RESULT.toMap());
        byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
        line[json.length] = '\n';
        jacksonToFile.write(line);
    }

    /** The floor: buffered, no write(2) per line (what bench.java's baseline does). */
    @Benchmark
    public void jacksonToFileBuffered() throws IOException {
        // Not MAPPER.writeValue(stream, ...): it flushes the stream after every value.
        jacksonBuffered.write(Json.MAPPER.writeValueAsBytes(RESULT.toMap()));
        jacksonBuffered.write('\n');
    }

    /** The process pool's wire for one task: the task out and back, the result back and out. */
    @Benchmark
    public void wireRoundTrip(Blackhole bh) {
        String task = Wire.writeTask(new WorkerSlot.Task(123_456L, RESULT.item()));
        bh.consume(Wire.readTask(task));
        String answer = Wire.writeResult(123_456L, RESULT);
        bh.consume(Wire.readAnswer(answer));
    }

    @Benchmark
    public String jacksonToString() throws IOException {
        return Json.MAPPER.writeValueAsString(RESULT.toMap());
    }

    /** The async template's handler, less the fetch: the bench's ~2 KB page and its title. */
    static final Page PAGE = new Page("http://127.0.0.1:8080/page/1", 200, Map.of("content-type", List.of("text/html")),
            ("<!doctype html><html><head><title>Bench page</title></head><body><p>" + "poolkit ".repeat(240) + "</p></body></html>")
                    .getBytes(StandardCharsets.UTF_8), "http://127.0.0.1:8080/page/1", 1);

    @Benchmark
    public String pageTitle() {
        return PAGE.title();
    }

    @Benchmark
    public Map<String, Object> resultToMap() {
        return RESULT.toMap();
    }
}
