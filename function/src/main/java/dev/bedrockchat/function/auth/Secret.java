package dev.bedrockchat.function.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * A secret value that is only ever compared, never shown: it keeps the SHA-256 digest alone, its {@code toString} says
 * nothing about it, and {@link #matches} takes the same time whatever the presented value (both sides are hashed
 * first, then compared with {@link MessageDigest#isEqual}).
 */
public final class Secret {
    private final byte[] digest;

    private Secret(byte[] digest) {
        this.digest = digest;
    }

    /**
     * @throws IllegalArgumentException when the value is empty
     */
    public static Secret of(String value) {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("A secret cannot be empty");
        }
        return new Secret(sha256(value));
    }

    /** Whether the presented value is the secret, in constant time. */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(sha256(presented), digest);
    }

    @Override
    public String toString() {
        return "Secret[redacted]";
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
