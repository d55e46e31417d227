package dev.tursosync.testing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps the server's revisions to the {@link RevisionStyle} clients see, and back. The empty revision (no revision)
 * maps to itself.
 */
final class RevisionMap {

    private final RevisionStyle style;
    private final Map<String, String> toServer = new ConcurrentHashMap<>();

    RevisionMap(RevisionStyle style) {
        this.style = style;
    }

    /** The revision a client sees for the server's. */
    String toClient(String serverRevision) {
        if (style == RevisionStyle.AS_IS || serverRevision.isEmpty()) {
            return serverRevision;
        }
        String opaque = switch (style) {
            case JSON_OBJECT -> "{\"generation\":1,\"wal_fragment_no\":" + quoteUnlessNumber(serverRevision) + "}";
            case BASE64 -> base64(serverRevision);
            case AS_IS -> serverRevision;
        };
        toServer.put(opaque, serverRevision);
        return opaque;
    }

    /** The server's revision for one a client sent; empty if the gateway never issued it. */
    Optional<String> toServer(String clientRevision) {
        if (style == RevisionStyle.AS_IS || clientRevision.isEmpty()) {
            return Optional.of(clientRevision);
        }
        return Optional.ofNullable(toServer.get(clientRevision));
    }

    private static String quoteUnlessNumber(String revision) {
        return revision.matches("[0-9]{1,18}") ? revision : "\"" + revision.replace("\"", "\\\"") + "\"";
    }

    private static String base64(String revision) {
        byte[] digest = sha256("tursosync-gateway:" + revision);
        byte[] plain = revision.getBytes(StandardCharsets.UTF_8);
        byte[] opaque = new byte[digest.length * 2 + plain.length + 1];
        System.arraycopy(digest, 0, opaque, 0, digest.length);
        System.arraycopy(plain, 0, opaque, digest.length, plain.length);
        System.arraycopy(sha256(revision), 0, opaque, digest.length + plain.length, digest.length);
        opaque[opaque.length - 1] = (byte) 0xFB; // 0xFB makes a '+' or '/' likely in the last characters
        return Base64.getEncoder().encodeToString(opaque);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }
}
