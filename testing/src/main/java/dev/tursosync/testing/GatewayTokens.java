package dev.tursosync.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issues and checks the gateway's auth tokens: JWTs signed with Ed25519 ({@code "alg":"EdDSA"}, as Turso's database
 * tokens are), with Turso's claims: {@code a} (access, {@code rw} or {@code ro}), {@code iat}, {@code id} and, for
 * tokens that expire, {@code exp} (seconds since the epoch). {@link #invalidateAll()} rotates the signing key, as
 * {@code turso db tokens invalidate} does.
 */
final class GatewayTokens {

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final String HEADER = ENCODER.encodeToString(
            "{\"alg\":\"EdDSA\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    private static final Pattern ACCESS = Pattern.compile("\"a\":\"(rw|ro)\"");
    private static final Pattern EXPIRY = Pattern.compile("\"exp\":([0-9]+)");

    /** What a checked token allows, or why it was refused. */
    sealed interface Verdict {
    }

    /** A valid token. */
    record Valid(CloudGateway.Access access) implements Verdict {
    }

    /** A refused token, with the reason given in the 401 body. */
    record Refused(String reason) implements Verdict {
    }

    private final Clock clock;
    private volatile KeyPair keys;

    GatewayTokens(Clock clock) {
        this.clock = clock;
        this.keys = newKeys();
    }

    String issue(CloudGateway.Access access, Duration lifetime) {
        long now = clock.instant().getEpochSecond();
        String payload = "{\"a\":\"" + access.claim() + "\",\"iat\":" + now
                + (lifetime == null ? "" : ",\"exp\":" + (now + Math.max(1, lifetime.toSeconds())))
                + ",\"id\":\"" + UUID.randomUUID() + "\"}";
        String signed = HEADER + "." + ENCODER.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        return signed + "." + ENCODER.encodeToString(sign(signed));
    }

    Verdict check(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return new Refused("missing bearer token");
        }
        String[] parts = authorization.substring(7).strip().split("\\.", -1);
        if (parts.length != 3 || !parts[0].equals(HEADER)) {
            return new Refused("malformed token");
        }
        String payload;
        try {
            if (!verify(parts[0] + "." + parts[1], DECODER.decode(parts[2]))) {
                return new Refused("invalid token signature");
            }
            payload = new String(DECODER.decode(parts[1]), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return new Refused("malformed token");
        }
        Matcher expiry = EXPIRY.matcher(payload);
        if (expiry.find() && Long.parseLong(expiry.group(1)) <= clock.instant().getEpochSecond()) {
            return new Refused("token expired");
        }
        Matcher access = ACCESS.matcher(payload);
        if (!access.find()) {
            return new Refused("token without access claim");
        }
        return new Valid("rw".equals(access.group(1)) ? CloudGateway.Access.READ_WRITE : CloudGateway.Access.READ_ONLY);
    }

    void invalidateAll() {
        keys = newKeys();
    }

    private byte[] sign(String text) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(keys.getPrivate());
            signature.update(text.getBytes(StandardCharsets.US_ASCII));
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    private boolean verify(String text, byte[] sig) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initVerify(keys.getPublic());
            signature.update(text.getBytes(StandardCharsets.US_ASCII));
            return signature.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static KeyPair newKeys() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no Ed25519", e);
        }
    }
}
