package dev.tursosync.bench.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one writer has committed: the current value of each of its keys and every token it inserted. Only the
 * writer's thread changes it; it is read after that thread has ended.
 */
final class WriterModel {

    private final String name;
    private final int number;
    private final Map<Long, String> values = new TreeMap<>();
    private final Set<String> tokens = new TreeSet<>();
    private long seq;
    private long committed;

    /**
     * Creates the model of a writer that has written nothing.
     *
     * @param name   its name, the {@code writer} column of its rows
     * @param number its number, which picks its keys
     */
    WriterModel(String name, int number) {
        this.name = name;
        this.number = number;
    }

    String name() {
        return name;
    }

    /**
     * Its committed key-value rows.
     *
     * @return key to value
     */
    Map<Long, String> values() {
        return values;
    }

    /**
     * Its committed tokens.
     *
     * @return the tokens
     */
    Set<String> tokens() {
        return tokens;
    }

    long committed() {
        return committed;
    }

    /**
     * Plans the next transaction: one to {@code maxWrites} writes of its own rows, each with a new tag.
     *
     * @param random    the writer's random source
     * @param maxWrites the most writes in it
     * @return the writes
     */
    List<Write> plan(Random random, int maxWrites) {
        seq++;
        List<Write> writes = new ArrayList<>();
        Set<Long> present = new TreeSet<>(values.keySet());
        for (int i = 0, n = 1 + random.nextInt(maxWrites); i < n; i++) {
            String tag = name + "." + seq + "." + i;
            int dice = random.nextInt(100);
            long key = FaultTables.key(number, random.nextInt(FaultTables.KEYS_PER_WRITER));
            Write write;
            if (dice < 35) {
                write = new Write(Write.Kind.TOKEN, 0, tag);
            } else if (dice < 50 && present.contains(key)) {
                write = new Write(Write.Kind.DELETE, key, null);
                present.remove(key);
            } else {
                write = new Write(Write.Kind.SET, key, FaultTables.value(tag));
                present.add(key);
            }
            writes.add(write);
        }
        return writes;
    }

    /**
     * Tells whether a key has a row now.
     *
     * @param key a key of this writer
     * @return {@code true} if its last committed write set it
     */
    boolean has(long key) {
        return values.containsKey(key);
    }

    /**
     * Records a committed transaction.
     *
     * @param writes its writes
     */
    void committed(List<Write> writes) {
        for (Write write : writes) {
            switch (write.kind()) {
                case SET -> values.put(write.key(), write.value());
                case DELETE -> values.remove(write.key());
                case TOKEN -> tokens.add(write.value());
                default -> throw new IllegalStateException(write.toString());
            }
        }
        committed++;
    }
}
