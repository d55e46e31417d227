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

    static String ratio(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
