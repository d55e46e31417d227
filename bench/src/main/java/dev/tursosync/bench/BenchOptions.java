package dev.tursosync.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The settings of one benchmark run, read from system properties (the {@code -Pbench} profile passes them on).
 *
 * @param runs      measured runs per client per workload
 * @param warmups   unmeasured rounds before them, per workload
 * @param heapRuns  child JVMs started by the peak-heap workload
 * @param workloads the workload names to run, or {@code all}
 * @param jsDir     the folder of the JS driver
 * @param workDir   scratch space for servers and replicas, emptied at start
 * @param report    where the markdown report is written
 * @param keepWork  whether to keep {@code workDir} at the end
 */
record BenchOptions(int runs, int warmups, int heapRuns, List<String> workloads, Path jsDir, Path workDir,
                    Path report, boolean keepWork) {

    static BenchOptions fromSystemProperties() {
        return new BenchOptions(
                Integer.getInteger("bench.runs", 15),
                Integer.getInteger("bench.warmups", 1),
                Integer.getInteger("bench.heapRuns", 3),
                Arrays.stream(System.getProperty("bench.workloads", "all").split(","))
                        .map(String::trim).filter(s -> !s.isEmpty()).toList(),
                Path.of(System.getProperty("bench.jsDir", "bench/js")).toAbsolutePath(),
                Path.of(System.getProperty("bench.workDir", "bench/target/bench-work")).toAbsolutePath(),
                Path.of(System.getProperty("bench.report", "bench/target/bench-report.md")).toAbsolutePath(),
                Boolean.getBoolean("bench.keepWork"));
    }

    boolean selects(Workload workload) {
        return workloads.contains("all") && !workload.onlyWhenNamed() || workloads.contains(workload.name()) || workloads.contains(workload.group());
    }
}
