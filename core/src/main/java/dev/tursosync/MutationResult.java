package dev.tursosync;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the push transform hook decides for one {@link Mutation}: push it as captured, skip it, or push other SQL
 * instead.
 */
public final class MutationResult {

    /** The decision. */
    public enum Kind {
        /** Push the generated statement. */
        KEEP,
        /** Push nothing for this change; it is consumed. */
        SKIP,
        /** Push {@link #sql()} with {@link #args()} instead. */
        REWRITE
    }

    private static final MutationResult KEEP = new MutationResult(Kind.KEEP, null, List.of());
    private static final MutationResult SKIP = new MutationResult(Kind.SKIP, null, List.of());

    private final Kind kind;
    private final @Nullable String sql;
    private final List<@Nullable Object> args;

    private MutationResult(Kind kind, @Nullable String sql, List<@Nullable Object> args) {
        this.kind = kind;
        this.sql = sql;
        this.args = args;
    }

    /**
     * Push the change as captured.
     *
     * @return the decision
     */
    public static MutationResult keep() {
        return KEEP;
    }

    /**
     * Push nothing for this change. It is consumed like a pushed change; the local row keeps its value until the
     * next pull brings the remote's.
     *
     * @return the decision
     */
    public static MutationResult skip() {
        return SKIP;
    }

    /**
     * Push this statement instead, in the same remote transaction as the rest of the batch.
     *
     * @param sql  one SQL statement with positional {@code ?} parameters
     * @param args the arguments: {@code null}, {@code Long}/{@code Integer}/{@code Short}/{@code Byte},
     *             {@code Double}/{@code Float}, {@code Boolean} (as 0/1), {@code String}, {@code byte[]}
     * @return the decision
     */
    public static MutationResult rewrite(String sql, @Nullable Object... args) {
        Objects.requireNonNull(sql, "sql");
        return new MutationResult(Kind.REWRITE, sql, Collections.unmodifiableList(Arrays.asList(args.clone())));
    }

    /**
     * The decision.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The statement of a rewrite.
     *
     * @return the SQL, or {@code null} unless {@link Kind#REWRITE}
     */
    public @Nullable String sql() {
        return sql;
    }

    /**
     * The arguments of a rewrite.
     *
     * @return the arguments, empty unless {@link Kind#REWRITE}
     */
    public List<@Nullable Object> args() {
        return args;
    }

    @Override
    public String toString() {
        return kind == Kind.REWRITE ? "MutationResult[REWRITE " + sql + "]" : "MutationResult[" + kind + "]";
    }
}
