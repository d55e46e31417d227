package dev.tursosync.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Waits until a freshly started {@code tursodb --sync-server} answers HTTP.
 *
 * <p>Any HTTP status counts as ready ({@code GET /} answers 404). Each probe is a complete request,
 * since the single-threaded server stalls on a connection that sends nothing.
 */
final class ReadinessProbe {

    /** How a wait for readiness ended. */
    enum Outcome {
        /** The server answered HTTP. */
        READY,
        /** The process exited before answering. */
        EXITED,
        /** The deadline passed without an answer. */
        TIMED_OUT
    }

    private static final Duration POLL_INTERVAL = Duration.ofMillis(25);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(PROBE_TIMEOUT)
            .build();

    private ReadinessProbe() {
    }

    /**
     * Polls {@code GET <baseUrl>/} until it gets an answer, {@code process} exits, or {@code timeout} passes.
     *
     * @throws InterruptedException if the waiting thread is interrupted
     */
    static Outcome await(Process process, String baseUrl, Duration timeout) throws InterruptedException {
        HttpRequest probe = HttpRequest.newBuilder(URI.create(baseUrl + "/")).timeout(PROBE_TIMEOUT).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return Outcome.EXITED;
            }
            if (answers(probe)) {
                return process.isAlive() ? Outcome.READY : Outcome.EXITED;
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
        return Outcome.TIMED_OUT;
    }

    private static boolean answers(HttpRequest probe) throws InterruptedException {
        try {
            CLIENT.send(probe, HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (IOException notYetListening) {
            return false;
        }
    }
}
