package dev.tursosync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Runs the selected workloads against the JS and the Java client and prints (and writes) the report. Started by
 * {@code ./mvnw -q -Pbench -DskipTests package}; see {@code docs/benchmarks.md}. Exits with 1 if a workload failed
 * (targets not met do not fail the run; they are reported).
 */
public final class BenchMain {

    private BenchMain() {
    }

    /**
     * Entry point; settings come from system properties (see {@link BenchOptions}).
     *
     * @param args ignored
     * @throws IOException if the work folder or the report cannot be written
     */
    public static void main(String[] args) throws IOException {
        BenchOptions options = BenchOptions.fromSystemProperties();
        List<Workload> selected = Workloads.all().stream().filter(options::selects).toList();
        if (selected.isEmpty()) {
            System.err.println("no workload matches bench.workloads=" + options.workloads() + "; known: "
                    + Workloads.all().stream().map(Workload::name).toList());
            System.exit(2);
        }
        Folders.deleteTree(options.workDir());
        Files.createDirectories(options.workDir());
        Path npmLog = options.workDir().resolve("npm.log");
        JsDriverInstall.ensureInstalled(options.jsDir(), npmLog);

        Instant started = Instant.now();
        List<ResultRow> rows = new ArrayList<>();
        List<ThroughputRow> throughput = new ArrayList<>();
        List<TargetCheck> checks = new ArrayList<>();
        List<String> sections = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        String versions;
        try (JsDriver js = JsDriver.start(options.jsDir(), options.workDir().resolve("js-driver.log"));
             BenchContext context = new BenchContext(options, List.of(js, new JavaSide()))) {
            versions = js.versions() + ", java " + System.getProperty("java.version");
            System.out.printf("bench: %d runs (+%d warm-up) per client, workloads %s; %s%n", options.runs(),
                    options.warmups(), selected.stream().map(Workload::name).toList(), versions);
            for (Workload workload : selected) {
                System.out.println("== " + workload.name());
                long start = System.nanoTime();
                try {
                    WorkloadResult result = workload.run(context);
                    rows.addAll(result.rows());
                    throughput.addAll(result.throughput());
                    checks.addAll(result.checks());
                    sections.addAll(result.sections());
                } catch (Exception | LinkageError | AssertionError e) {
                    failures.add(workload.name() + ": " + e);
                    System.out.println("  FAILED: " + e);
                    e.printStackTrace(System.out);
                }
                System.out.printf("  (%s took %.0f s)%n", workload.name(), Millis.since(start) / 1000);
            }
        }
        String report = "Run of " + started + ", " + Duration.between(started, Instant.now()).toSeconds() + " s; "
                + options.runs() + " measured runs per client (+" + options.warmups() + " warm-up), interleaved; "
                + versions + "\n\n" + (rows.isEmpty() ? "" : Report.table(rows) + "\n")
                + (throughput.isEmpty() ? "" : Report.throughputTable(throughput) + "\n")
                + sections.stream().map(section -> section + "\n").collect(Collectors.joining())
                + Report.targets(checks)
                + (failures.isEmpty() ? "" : "\nFailed workloads:\n- " + String.join("\n- ", failures) + "\n");
        System.out.println();
        System.out.println(report);
        Files.createDirectories(options.report().getParent());
        Files.writeString(options.report(), report);
        System.out.println("written " + options.report());
        if (!options.keepWork()) {
            Folders.deleteTree(options.workDir());
        }
        System.exit(failures.isEmpty() ? 0 : 1);
    }
}
