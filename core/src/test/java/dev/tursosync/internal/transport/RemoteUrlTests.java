package dev.tursosync.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

final class RemoteUrlTests {

    @Test
    void normalisesSchemesAndTrailingSlashes() {
        assertThat(RemoteUrl.parse("http://127.0.0.1:8080").resolve("/pull-updates"))
                .isEqualTo("http://127.0.0.1:8080/pull-updates");
        assertThat(RemoteUrl.parse("http://127.0.0.1:8080///").resolve("/v2/pipeline"))
                .isEqualTo("http://127.0.0.1:8080/v2/pipeline");
        assertThat(RemoteUrl.parse("libsql://db-org.turso.io").resolve("/v2/pipeline"))
                .isEqualTo("https://db-org.turso.io/v2/pipeline");
        assertThat(RemoteUrl.parse("TURSO://db-org.turso.io/").isSecure()).isTrue();
        assertThat(RemoteUrl.parse("https://proxy.local/base/path/").resolve("/pull-updates"))
                .isEqualTo("https://proxy.local/base/path/pull-updates");
        assertThat(RemoteUrl.parse("http://[::1]:9000").authority()).isEqualTo("[::1]:9000");
    }

    @Test
    void rejectsUrlsThatCannotBeSyncEndpoints() {
        assertThatThrownBy(() -> RemoteUrl.parse("ftp://host")).hasMessageContaining("must start with");
        assertThatThrownBy(() -> RemoteUrl.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> RemoteUrl.parse("http:///nohost")).hasMessageContaining("no host");
        assertThatThrownBy(() -> RemoteUrl.parse("http://h/p?authToken=s3cr3t"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("s3cr3t");
        assertThatThrownBy(() -> RemoteUrl.parse("http://user:s3cr3t@h"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("s3cr3t");
    }
}
