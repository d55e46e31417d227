package dev.tursosync.bench;

/**
 * One benchmark. A workload sets up its own remote (through {@link BenchContext}), measures every client that supports
 * it, and returns rows for the report. To add one, implement this interface and list it in {@link Workloads}.
 */
interface Workload {

    /**
     * The name used in {@code -Dbench.workloads=...}.
     *
     * @return a short lower-case name
     */
    String name();

    /**
     * The group the workload belongs to; {@code -Dbench.workloads=<group>} selects every workload of it.
     *
     * @return the group's name, by default the workload's own name
     */
    default String group() {
        return name();
    }

    /**
     * Whether the workload runs only when named in {@code -Dbench.workloads}, not as part of {@code all} (the soak,
     * which takes minutes).
     *
     * @return {@code true} to leave it out of {@code all}
     */
    default boolean onlyWhenNamed() {
        return false;
    }

    /**
     * Runs the workload.
     *
     * @param context the clients, options and resources
     * @return the rows and target checks
     * @throws Exception on any failure; the harness reports it and goes on with the next workload
     */
    WorkloadResult run(BenchContext context) throws Exception;
}
