package dev.tursosync.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.SyncClosedException;
import dev.tursosync.SyncProtocolException;
import dev.tursosync.TursoSyncException;
import dev.tursosync.internal.sqlite.SqliteFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

class TypedErrorsTests {

    @Test
    void malformedDataIsAProtocolErrorWithItsCause() {
        for (RuntimeException error : new RuntimeException[] {new SqliteFormatException("page 3: bad"),
                new ArithmeticException("integer overflow")}) {
            Throwable typed = TypedErrors.typed(error, "db");
            assertThat(typed).isInstanceOf(SyncProtocolException.class).hasCause(error);
        }
    }

    @Test
    void anythingElseUntypedIsWrappedAndTypedErrorsStayAsTheyAre() {
        IllegalArgumentException argument = new IllegalArgumentException("db_size 0");
        assertThat(TypedErrors.typed(argument, "db")).isExactlyInstanceOf(TursoSyncException.class)
                .hasCause(argument);
        UncheckedIOException io = new UncheckedIOException(new IOException("disk"));
        assertThat(TypedErrors.typed(io, "db")).isExactlyInstanceOf(TursoSyncException.class).hasCause(io);
        SyncClosedException closed = new SyncClosedException("closed");
        assertThat(TypedErrors.typed(closed, "db")).isSameAs(closed);
        CancellationException cancelled = new CancellationException();
        assertThat(TypedErrors.typed(cancelled, "db")).isSameAs(cancelled);
    }
}
