/**
 * JMH microbenchmarks of the local path (issue 22): the cost per operation of this project's R2DBC driver against raw
 * sqlite-jdbc on the same file, and of change capture against a plain file. They complement the {@code local} and
 * {@code capture-overhead} workloads of the bench, which time whole runs beside the JS client: JMH forks, warms up
 * and repeats, so a few percent can be told apart on a busy machine. Run with {@code ./mvnw -q -Pjmh -DskipTests
 * package} (docs/benchmarks.md, "Microbenchmarks").
 */
package dev.tursosync.bench.micro;
