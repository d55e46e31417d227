package dev.tursosync.internal.io;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Work that runs on another thread while the caller's goes on, and that the caller waits for before it moves on
 * (a pull's event decoding during its apply, its metadata write while its window's connections open). Nothing here
 * cancels or interrupts it.
 *
 * @param <T> what the work returns
 */
public final class SideWork<T> {

    private final CompletableFuture<T> running;

    private SideWork(CompletableFuture<T> running) {
        this.running = running;
    }

    /**
     * Starts the work; on the caller's thread, at once, if the executor takes no more work.
     *
     * @param work     the work
     * @param executor the thread it runs on
     * @param <T>      what the work returns
     * @return the running work
     */
    public static <T> SideWork<T> start(Supplier<T> work, Executor executor) {
        try {
            return new SideWork<>(CompletableFuture.supplyAsync(work, executor));
        } catch (RejectedExecutionException busy) {
            CompletableFuture<T> inline = new CompletableFuture<>();
            try {
                inline.complete(work.get());
            } catch (RuntimeException | Error failure) {
                inline.completeExceptionally(failure);
            }
            return new SideWork<>(inline);
        }
    }

    /**
     * Waits for the work's result.
     *
     * @return what the work returned
     * @throws RuntimeException what the work threw
     */
    public T await() {
        try {
            return running.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /**
     * Waits until the work stopped, whatever its outcome.
     *
     * @return what it threw, or {@code null} if it ended well
     */
    public Throwable awaitQuietly() {
        return running.handle((result, error) -> error instanceof CompletionException wrapped
                && wrapped.getCause() != null ? wrapped.getCause() : error).join();
    }
}
