package dev.bedrockchat.function.chat;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Who is asking. Every request carries one: anonymous while the deployment has no sign-in, the shared-token principal
 * when AUTH_TOKEN guards the API, one per signed-in person ({@code oidc}) or IAM caller ({@code iam}). Conversations
 * record their owner principal.
 * Two principals are equal when their kind and id are.
 */
public final class Principal {
    private static final Pattern KIND = Pattern.compile("[a-z]{1,16}");

    public static final Principal ANONYMOUS = new Principal("anonymous", "anonymous");
    public static final Principal SHARED_TOKEN = new Principal("token", "shared-token");

    private final String kind;
    private final String id;
    /** {@link #key()}, worked out once when first asked for (a request asks many times). */
    private String key;

    /**
     * @param kind how the caller was identified ({@code anonymous}, {@code token}, {@code oidc}, {@code iam}, {@code ip})
     * @param id   a stable identifier within that kind
     */
    @JsonCreator
    public Principal(@JsonProperty("kind") String kind, @JsonProperty("id") String id) {
        Objects.requireNonNull(kind, "kind");
        if (!KIND.matcher(kind).matches()) {
            throw new IllegalArgumentException("A principal's kind is 1 to 16 lowercase letters: " + kind);
        }
        this.kind = kind;
        this.id = Objects.requireNonNull(id, "id");
    }

    @JsonProperty("kind")
    public String kind() {
        return kind;
    }

    @JsonProperty("id")
    public String id() {
        return id;
    }

    /**
     * The principal as storage names it: {@code <kind>-<first 32 hex digits of SHA-256("<kind>:<id>")>}. Per-person data
     * lives under this key, so keys carry no personal data and no character a store could misread.
     */
    public String key() {
        String known = key;
        if (known == null) {
            // Threads that race here each work out the same immutable string (as String.hashCode does its hash).
            known = digestKey(kind, id);
            key = known;
        }
        return known;
    }

    private static String digestKey(String kind, String id) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest((kind + ":" + id).getBytes(StandardCharsets.UTF_8));
            return kind + "-" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Principal that && kind.equals(that.kind) && id.equals(that.id);
    }

    @Override
    public int hashCode() {
        return 31 * kind.hashCode() + id.hashCode();
    }

    @Override
    public String toString() {
        return "Principal[kind=" + kind + ", id=" + id + "]";
    }
}
