package dev.tursosync.r2dbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** How {@code r2dbc:turso:...} URLs become database paths, and what a malformed one is told. */
final class UrlParsingTests {

    private static Path path(String url) {
        return TursoConnectionFactoryProvider.configuration(ConnectionFactoryOptions.parse(url)).path();
    }

    @Test
    void threeSlashesGiveAnAbsolutePath() {
        assertThat(path("r2dbc:turso:///var/data/app.db")).isEqualTo(Path.of("/var/data/app.db"));
        assertThat(path("r2dbc:turso:///var/data/app.db?url=http://127.0.0.1:8080"))
                .isEqualTo(Path.of("/var/data/app.db"));
    }

    @Test
    void aDotPathIsRelativeToTheWorkingDirectory() {
        Path workingDirectory = Path.of("").toAbsolutePath();
        assertThat(path("r2dbc:turso:///./data/app.db")).isEqualTo(workingDirectory.resolve("data/app.db"));
        assertThat(path("r2dbc:turso:///../app.db")).isEqualTo(workingDirectory.getParent().resolve("app.db"));
    }

    @Test
    void aHostThatWouldBeDroppedIsRefusedWithTheExpectedForm() {
        assertThatThrownBy(() -> path("r2dbc:turso://var/data/app.db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'var'")
                .hasMessageContaining("r2dbc:turso:///var/data/app.db")
                .hasMessageContaining(TursoConnectionFactoryProvider.EXPECTED_FORM);
        assertThatThrownBy(() -> path("r2dbc:turso://host:8080/app.db"))
                .hasMessageContaining(TursoConnectionFactoryProvider.EXPECTED_FORM);
        assertThatThrownBy(() -> path("r2dbc:turso://user@/app.db"))
                .hasMessageContaining(TursoConnectionFactoryProvider.EXPECTED_FORM);
    }

    @Test
    void aMissingPathOrABadOptionIsExplained() {
        assertThatThrownBy(() -> ConnectionFactories.get("r2dbc:turso:///"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no database file")
                .hasMessageContaining(TursoConnectionFactoryProvider.EXPECTED_FORM);
        assertThatThrownBy(() -> path("r2dbc:turso:///app.db?maxConnections=many"))
                .hasMessageContaining("maxConnections must be a whole number, not 'many'")
                .hasMessageContaining(TursoConnectionFactoryProvider.EXPECTED_FORM);
        assertThatThrownBy(() -> path("r2dbc:turso:///app.db?statementTimeout=5s"))
                .hasMessageContaining("PT5S")
                .hasMessageContaining(TursoConnectionFactoryProvider.EXPECTED_FORM);
        assertThatThrownBy(() -> ConnectionFactories.get("r2dbc:turso:///app.db?url=http://h:1&clientName=a%20b"))
                .hasMessageContaining("clientName")
                .hasMessageContaining(TursoConnectionFactoryProvider.EXPECTED_FORM);
    }
}
