package dev.tursosync.r2dbc.spring;

import io.r2dbc.spi.ConnectionFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.binding.BindMarkersFactory;
import org.springframework.r2dbc.core.binding.BindMarkersFactoryResolver;

/**
 * Gives Spring's {@code DatabaseClient} SQLite's {@code ?1}, {@code ?2}, … markers when it expands named parameters
 * for a Turso connection factory. Registered in {@code META-INF/spring.factories}.
 */
public final class TursoBindMarkersProvider implements BindMarkersFactoryResolver.BindMarkerFactoryProvider {

    /** Creates the provider; Spring finds it through {@code META-INF/spring.factories}. */
    public TursoBindMarkersProvider() {
    }

    @Override
    public @Nullable BindMarkersFactory getBindMarkers(ConnectionFactory connectionFactory) {
        return TursoDialectProvider.isTurso(connectionFactory) ? SqliteDialect.INSTANCE.getBindMarkersFactory() : null;
    }
}
