package dev.tursosync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Peak heap of the Java client during the 50 MB bootstrap: each run starts a child JVM with {@code -Xmx64m} running
 * {@link HeapProbe} against the remote of {@link BootstrapWorkload}. Target: every run succeeds and its peak stays
 * below 64 MB.
 */
final class PeakHeapWorkload implements Workload {

    static final String MAX_HEAP = "-Xmx64m";
    private static final double LIMIT_MB = 64;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "heap";
    }

    @Override
    public WorkloadResult run(BenchContext context) throws Exception {
        String url = BootstrapWorkload.remote(context).url();
        Path dir = context.freshDirectory("heap-probes");
        Samples peakMb = new Samples();
        Samples childMs = new Samples();
        List<String> failures = new ArrayList<>();
        int runs = context.options().heapRuns();
        for (int run = 0; run < runs; run++) {
            JsonNode result = probe(url, dir.resolve("probe-" + run + ".db"), dir.resolve("probe-" + run + ".log"));
            if (result.path("ok").asBoolean()) {
                peakMb.add(result.path("peakHeapBytes").asLong() / (1024.0 * 1024.0));
                childMs.add(result.path("ms").asDouble());
                System.out.printf("  heap run %d/%d: peak %.1f MiB, bootstrap %.0f ms%n", run + 1, runs,
                        peakMb.all().get(peakMb.count() - 1), result.path("ms").asDouble());
            } else {
                failures.add(result.path("error").asText());
                System.out.printf("  heap run %d/%d: FAILED %s%n", run + 1, runs, result.path("error").asText());
            }
            Folders.deleteTree(dir);
            Files.createDirectories(dir);
        }
        String note = "child JVM " + MAX_HEAP + "; succeeded " + peakMb.count() + "/" + runs
                + (childMs.isEmpty() ? "" : "; bootstrap in the child median " + Report.number(childMs.median()) + " ms")
                + (failures.isEmpty() ? "" : "; failures: " + String.join(" | ", failures))
                + "; MiB = sum of heap pools' peak usage";
        ResultRow row = new ResultRow("peak Java heap during the 50 MB bootstrap", "MiB",
                Map.of(Report.JAVA, peakMb), note);
        boolean met = failures.isEmpty() && !peakMb.isEmpty() && peakMb.max() < LIMIT_MB;
        String actual = peakMb.isEmpty() ? "no successful run" : "max " + Report.number(peakMb.max()) + " MiB, "
                + peakMb.count() + "/" + runs + " succeeded";
        return new WorkloadResult(List.of(row), List.of(new TargetCheck(
                "peak heap of the 50 MB bootstrap < 64 MiB, in a child JVM with " + MAX_HEAP, actual, met)));
    }

    private static JsonNode probe(String url, Path database, Path log) throws Exception {
        String javaExe = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(javaExe, MAX_HEAP, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), HeapProbe.class.getName(), url, database.toString())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        try {
            String line;
            JsonNode result = null;
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("HEAP ")) {
                        result = JSON.readTree(line.substring(5));
                    }
                }
            }
            if (!child.waitFor(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("heap probe did not exit");
            }
            if (result == null) {
                String tail = Files.exists(log)
                        ? String.join(" ", Files.readAllLines(log)).replace('|', '/') : "";
                return JSON.createObjectNode().put("ok", false).put("error", "child exited with "
                        + child.exitValue() + " and no result: " + tail.substring(0, Math.min(300, tail.length())));
            }
            return result;
        } finally {
            if (child.isAlive()) {
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
