package dev.tursosync.bench;

import java.util.List;
import java.util.Locale;

/**
 * Formats results as a markdown table: per workload, each client's median and min–max, the number of runs, and the
 * Java/JS ratio of medians; then the targets and whether they were met.
 */
final class Report {

    static final String JS = "JS";
    static final String JAVA = "Java";

    private Report() {
    }

    static String table(List<ResultRow> rows) {
        StringBuilder out = new StringBuilder();
        out.append("| Workload | JS median | JS min – max | Java median | Java min – max | Runs (JS / Java) "
                + "| Java/JS | Notes |\n");
        out.append("|---|---|---|---|---|---|---|---|\n");
        for (ResultRow row : rows) {
            Samples js = row.of(JS);
            Samples java = row.of(JAVA);
            out.append("| ").append(row.label())
                    .append(" | ").append(js == null ? "—" : number(js.median()) + " " + row.unit())
                    .append(" | ").append(js == null ? "—" : number(js.min()) + " – " + number(js.max()))
                    .append(" | ").append(java == null ? "—" : number(java.median()) + " " + row.unit())
                    .append(" | ").append(java == null ? "—" : number(java.min()) + " – " + number(java.max()))
                    .append(" | ").append(js == null ? "0" : js.count()).append(" / ")
                    .append(java == null ? "0" : java.count())
                    .append(" | ").append(js == null || java == null ? "—" : ratio(java.median() / js.median()))
                    .append(" | ").append(row.note()).append(" |\n");
        }
        return out.toString();
    }

    /** The engines of the throughput table, in column order. */
    static final List<String> ENGINES = List.of("R2DBC", "JDBC", JS);

    /**
     * Formats the local workloads: per engine the median ops/s over the runs, and the medians of each run's p50 and
     * p99 latency; then the ratios of the R2DBC driver's median ops/s to raw sqlite-jdbc's and to the JS client's.
     *
     * @param rows the rows
     * @return a markdown table
     */
    static String throughputTable(List<ThroughputRow> rows) {
        StringBuilder out = new StringBuilder("| Local workload |");
        ENGINES.forEach(engine -> out.append(' ').append(engine).append(" ops/s | ").append(engine)
                .append(" p50 / p99 ms |"));
        out.append(" Runs | R2DBC/JDBC | R2DBC/JS | Notes |\n|---|");
        ENGINES.forEach(engine -> out.append("---|---|"));
        out.append("---|---|---|---|\n");
        for (ThroughputRow row : rows) {
            out.append("| ").append(row.label()).append(" |");
            String runs = "";
            for (String engine : ENGINES) {
                Samples perSecond = row.of(engine, Throughput::perSecond);
                if (perSecond == null) {
                    out.append(" — | — |");
                    continue;
                }
                runs += (runs.isEmpty() ? "" : " / ") + perSecond.count();
                out.append(' ').append(number(perSecond.median())).append(" | ")
                        .append(millis(row.of(engine, Throughput::p50Ms).median())).append(" / ")
                        .append(millis(row.of(engine, Throughput::p99Ms).median())).append(" |");
            }
            out.append(' ').append(runs).append(" | ").append(opsRatio(row, "JDBC")).append(" | ")
                    .append(opsRatio(row, JS)).append(" | ").append(row.note()).append(" |\n");
        }
        return out.toString();
    }

    /**
     * The ratio of the R2DBC driver's median ops/s to another engine's, or a dash.
     *
     * @param row   the row
     * @param other the other engine
     * @return the ratio
     */
    static String opsRatio(ThroughputRow row, String other) {
        Samples r2dbc = row.of("R2DBC", Throughput::perSecond);
        Samples them = row.of(other, Throughput::perSecond);
        return r2dbc == null || them == null ? "—" : ratio(r2dbc.median() / them.median());
    }

    static String targets(List<TargetCheck> checks) {
        StringBuilder out = new StringBuilder();
        out.append("| Target | Measured | Met |\n|---|---|---|\n");
        for (TargetCheck check : checks) {
            out.append("| ").append(check.target()).append(" | ").append(check.actual()).append(" | ")
                    .append(check.met() ? "yes" : "**no**").append(" |\n");
        }
        return out.toString();
    }

    /**
     * Checks that the ratio of two medians stays at or below a limit.
     *
     * @param target     the target's wording
     * @param numerator  the samples on top
     * @param denominator the samples below
     * @param limit      the highest ratio that meets the target
     * @return the check
     */
    static TargetCheck ratioAtMost(String target, Samples numerator, Samples denominator, double limit) {
        double ratio = numerator.median() / denominator.median();
        return new TargetCheck(target, ratio(ratio), ratio <= limit);
    }

    static String number(double value) {
        return value >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }

    static String millis(double value) {
        return value >= 10 ? String.format(Locale.ROOT, "%.1f", value) : String.format(Locale.ROOT, "%.3f", value);
    }

    static String ratio(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
