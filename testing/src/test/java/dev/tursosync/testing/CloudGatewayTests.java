package dev.tursosync.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The gateway's own parts without a server: the answers it gives before forwarding (401, 403, 404, 400), its
 * tokens, its revision mapping and its protobuf rewriting.
 */
final class CloudGatewayTests {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static HttpResponse<String> post(CloudGateway gateway, String path, String token, byte[] body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.url() + path))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void refusesMissingForgedAndExpiredTokensWithCloudShapedBodies() throws Exception {
        Instant start = Instant.parse("2026-12-01T00:00:00Z");
        Clock[] now = {Clock.fixed(start, ZoneOffset.UTC)};
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0].instant();
            }
        };
        // port 9 on loopback: nothing listens there
        try (CloudGateway gateway = CloudGateway.builder(9).tls(false).clock(clock).start()) {
            String valid = gateway.token(CloudGateway.Access.READ_WRITE, Duration.ofMinutes(1));
            String readOnly = gateway.token(CloudGateway.Access.READ_ONLY);
            String[] parts = valid.split("\\.");
            String forged = parts[0] + "." + parts[1] + "." + parts[2].substring(0, 10)
                    + (parts[2].charAt(10) == 'A' ? 'B' : 'A') + parts[2].substring(11);

            assertThat(post(gateway, "/v2/pipeline", null, new byte[0]))
                    .satisfies(reply -> assertThat(reply.statusCode()).isEqualTo(401))
                    .satisfies(reply -> assertThat(reply.body())
                            .isEqualTo("{\"error\":\"Unauthorized: missing bearer token\"}"));
            assertThat(post(gateway, "/v2/pipeline", forged, new byte[0]).body())
                    .isEqualTo("{\"error\":\"Unauthorized: invalid token signature\"}");
            assertThat(post(gateway, "/v2/pipeline", "not.a-jwt", new byte[0]).body())
                    .isEqualTo("{\"error\":\"Unauthorized: malformed token\"}");
            HttpResponse<String> forbidden = post(gateway, "/v2/pipeline", readOnly, new byte[0]);
            assertThat(forbidden.statusCode()).isEqualTo(403);
            assertThat(forbidden.body()).isEqualTo("{\"error\":\"Forbidden: the token is read-only\"}");
            assertThat(post(gateway, "/elsewhere", valid, new byte[0]).statusCode()).isEqualTo(404);
            // nothing listens on the backend port: a request that passes the checks gets 502
            HttpResponse<String> unanswered = post(gateway, "/pull-updates", valid, request("8", ""));
            assertThat(unanswered.statusCode()).isEqualTo(502);
            assertThat(unanswered.body()).isEqualTo("{\"error\":\"Bad Gateway: the database did not answer\"}");

            now[0] = Clock.fixed(start.plus(Duration.ofMinutes(2)), ZoneOffset.UTC);
            assertThat(post(gateway, "/v2/pipeline", valid, new byte[0]).body())
                    .isEqualTo("{\"error\":\"Unauthorized: token expired\"}");
            gateway.invalidateTokens();
            assertThat(post(gateway, "/pull-updates", readOnly, new byte[0]).body())
                    .isEqualTo("{\"error\":\"Unauthorized: invalid token signature\"}");
            assertThat(gateway.counts().unauthorized()).isEqualTo(5);
            assertThat(gateway.counts().forbidden()).isEqualTo(1);
        }
    }

    @Test
    void anOpaqueGatewayRefusesARevisionItNeverIssued() throws Exception {
        try (CloudGateway gateway = CloudGateway.builder(9).tls(false).requireAuth(false)
                .revisions(RevisionStyle.JSON_OBJECT).start()) {
            HttpResponse<String> reply = post(gateway, "/pull-updates", null, request("12", ""));
            assertThat(reply.statusCode()).isEqualTo(400);
            assertThat(reply.body()).isEqualTo("{\"error\":\"Bad Request: unknown revision\"}");
        }
    }

    @ParameterizedTest
    @EnumSource(RevisionStyle.class)
    void revisionsMapBothWays(RevisionStyle style) {
        RevisionMap map = new RevisionMap(style);
        for (String revision : new String[] {"0", "8", "123456", "g1:o4096"}) {
            String opaque = map.toClient(revision);
            assertThat(map.toServer(opaque)).contains(revision);
            if (style != RevisionStyle.AS_IS) {
                assertThat(opaque).isNotEqualTo(revision);
            }
        }
        assertThat(map.toClient("")).isEmpty();
        assertThat(map.toServer("")).contains("");
    }

    @Test
    void rewritesOneFieldAndKeepsTheRestOfAMessageAndAStream() {
        byte[] message = request("8", "x");
        ProtoFields fields = ProtoFields.parse(message);
        assertThat(fields.string(3)).isEqualTo("8");
        assertThat(fields.varint(4)).isEqualTo(30_000);
        assertThat(fields.encode()).isEqualTo(message);
        ProtoFields rewritten = ProtoFields.parse(fields.withString(3, "{\"generation\":1}").encode());
        assertThat(rewritten.string(3)).isEqualTo("{\"generation\":1}");
        assertThat(rewritten.string(2)).isEqualTo("x");
        assertThat(rewritten.varint(4)).isEqualTo(30_000);

        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.write(message.length);
        stream.writeBytes(message);
        stream.writeBytes(new byte[] {3, 1, 2, 3});
        ProtoFields.Leading leading = ProtoFields.leading(stream.toByteArray());
        byte[] replaced = new ProtoFields.Leading(leading.message().withString(3, "longer revision"), leading.rest())
                .replaceIn(stream.toByteArray());
        ProtoFields.Leading again = ProtoFields.leading(replaced);
        assertThat(again.message().string(3)).isEqualTo("longer revision");
        assertThat(java.util.Arrays.copyOfRange(replaced, again.rest(), replaced.length))
                .containsExactly(3, 1, 2, 3);
    }

    /** A pull request: server_revision (2), client_revision (3), long_poll_timeout_ms (4) = 30000. */
    private static byte[] request(String clientRevision, String serverRevision) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] server = serverRevision.getBytes(StandardCharsets.UTF_8);
        byte[] client = clientRevision.getBytes(StandardCharsets.UTF_8);
        if (server.length > 0) {
            out.write(2 << 3 | 2);
            out.write(server.length);
            out.writeBytes(server);
        }
        out.write(3 << 3 | 2);
        out.write(client.length);
        out.writeBytes(client);
        out.write(4 << 3);
        out.writeBytes(new byte[] {(byte) 0xB0, (byte) 0xEA, 0x01}); // 30000
        return out.toByteArray();
    }
}
