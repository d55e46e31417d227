package dev.tursosync.bench.micro;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The settings every microbenchmark shares (JMH inherits them): average time per operation in nanoseconds, 5 warm-up
 * and 10 measured iterations of a second, in 2 forked JVMs; the benchmark object is its own state. The {@code -Pjmh}
 * profile's {@code jmh.forks}, {@code jmh.warmups} and {@code jmh.iterations} override the counts.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(2)
public abstract class MicroBenchmark {
}
