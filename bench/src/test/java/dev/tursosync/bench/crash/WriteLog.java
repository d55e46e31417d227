package dev.tursosync.bench.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The child's durable, append-only record of its local transactions, one file per child run. Before a transaction
 * starts, {@code I <writer> <seq> <writes>}; once it has committed, {@code C <writer> <seq>}. Each line is one
 * {@code write} followed by {@code fsync}, so a line the parent reads was on disk before the child went on.
 */
final class WriteLog implements AutoCloseable {

    private final FileChannel file;

    private WriteLog(FileChannel file) {
        this.file = file;
    }

    /**
     * Creates the log of one run.
     *
     * @param path the file, which must not exist
     * @return the open log
     */
    static WriteLog create(Path path) {
        try {
            return new WriteLog(FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the write log " + path, e);
        }
    }

    /**
     * Records a transaction about to run.
     *
     * @param writer the writer
     * @param seq    its sequence number in this run
     * @param ops    its writes
     */
    void intent(int writer, long seq, List<WriteOp> ops) {
        append("I " + writer + " " + seq + " " + WriteOp.encode(ops) + "\n");
    }

    /**
     * Records that a transaction committed.
     *
     * @param writer the writer
     * @param seq    its sequence number
     */
    void committed(int writer, long seq) {
        append("C " + writer + " " + seq + "\n");
    }

    private synchronized void append(String line) {
        ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
        try {
            while (bytes.hasRemaining()) {
                file.write(bytes);
            }
            file.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the write log", e);
        }
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
