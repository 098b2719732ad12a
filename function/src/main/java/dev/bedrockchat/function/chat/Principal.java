package dev.bedrockchat.function.chat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Who is asking. Every request carries one: anonymous while the deployment has no sign-in, the shared-token principal
 * when AUTH_TOKEN guards the API, and later one per signed-in user. Conversations record their owner principal.
 *
 * @param kind how the caller was identified ({@code anonymous}, {@code token}, later e.g. {@code cognito})
 * @param id   a stable identifier within that kind
 */
public record Principal(String kind, String id) {
    private static final Pattern KIND = Pattern.compile("[a-z]{1,16}");

    public static final Principal ANONYMOUS = new Principal("anonymous", "anonymous");
    public static final Principal SHARED_TOKEN = new Principal("token", "shared-token");

    public Principal {
        Objects.requireNonNull(kind, "kind");
        if (!KIND.matcher(kind).matches()) {
            throw new IllegalArgumentException("A principal's kind is 1 to 16 lowercase letters: " + kind);
        }
        Objects.requireNonNull(id, "id");
    }

    /**
     * The principal as storage names it: {@code <kind>-<first 32 hex digits of SHA-256("<kind>:<id>")>}. Per-person data
     * lives under this key, so keys carry no personal data and no character a store could misread.
     */
    public String key() {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest((kind + ":" + id).getBytes(StandardCharsets.UTF_8));
            return kind + "-" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
