package dev.tursosync.r2dbc.spring;

import dev.tursosync.r2dbc.TursoConnectionFactory;
import io.r2dbc.spi.ConnectionFactory;
import java.util.Optional;
import org.springframework.data.r2dbc.dialect.DialectResolver;
import org.springframework.data.r2dbc.dialect.R2dbcDialect;

/**
 * Tells Spring Data R2DBC to use {@link SqliteDialect} for Turso connection factories, pooled or not (it reads the
 * factory's metadata name). Registered in {@code META-INF/spring.factories}.
 */
public final class TursoDialectProvider implements DialectResolver.R2dbcDialectProvider {

    /** Creates the provider; Spring finds it through {@code META-INF/spring.factories}. */
    public TursoDialectProvider() {
    }

    @Override
    public Optional<R2dbcDialect> getDialect(ConnectionFactory connectionFactory) {
        return isTurso(connectionFactory) ? Optional.of(SqliteDialect.INSTANCE) : Optional.empty();
    }

    static boolean isTurso(ConnectionFactory connectionFactory) {
        return TursoConnectionFactory.NAME.equals(connectionFactory.getMetadata().getName());
    }
}
