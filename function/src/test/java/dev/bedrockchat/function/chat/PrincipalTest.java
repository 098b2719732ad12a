package dev.bedrockchat.function.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PrincipalTest {
    @Test
    void keyIsTheKindAndAHashOfKindAndIdWithoutPersonalData() {
        String key = new Principal("oidc", "alice@example.com").key();

        // SHA-256("oidc:alice@example.com") begins f925f9bb; the key keeps its first 16 bytes.
        assertThat(key).matches("oidc-f925f9bb[0-9a-f]{24}").doesNotContain("alice");
        assertThat(key).isEqualTo(new Principal("oidc", "alice@example.com").key());
        assertThat(new Principal("oidc", "bob@example.com").key()).isNotEqualTo(key);
        assertThat(new Principal("token", "alice@example.com").key())
                .startsWith("token-")
                .isNotEqualTo(key);
    }

    @Test
    void keyOfTheAnonymousPrincipalIsStable() {
        assertThat(Principal.ANONYMOUS.key()).isEqualTo("anonymous-" + sha256Prefix("anonymous:anonymous"));
    }

    @Test
    void kindMustBeLowercaseLetters() {
        assertThatThrownBy(() -> new Principal("../x", "id")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Principal("", "id")).isInstanceOf(IllegalArgumentException.class);
    }

    private static String sha256Prefix(String text) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
