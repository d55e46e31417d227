package dev.tursosync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.tursosync.SyncClient;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Builder checks that need no server. */
class SyncClientBuilderTests {

    @Test
    void pullMemoryBytesTakesZeroOrMore() {
        assertThatIllegalArgumentException().isThrownBy(() -> SyncClient.builder().pullMemoryBytes(-1))
                .withMessageContaining("pullMemoryBytes");
        assertThat(SyncClient.builder().pullMemoryBytes(0).path(Path.of("a.db")).url("http://127.0.0.1:1").build())
                .isNotNull();
    }
}
