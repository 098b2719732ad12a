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
    void principalsOfTheSameKindAndIdAreEqualWhetherOrNotTheirKeysWereAskedFor() {
        var asked = new Principal("oidc", "alice@example.com");
        String key = asked.key();
        var fresh = new Principal("oidc", "alice@example.com");

        assertThat(fresh).isEqualTo(asked).hasSameHashCodeAs(asked);
        assertThat(fresh.key()).isEqualTo(key);
        assertThat(new Principal("oidc", "bob@example.com")).isNotEqualTo(asked);
        assertThat(new Principal("iam", "alice@example.com")).isNotEqualTo(asked);
        assertThat(asked).hasToString("Principal[kind=oidc, id=alice@example.com]");
    }

    @Test
    void storedDocumentsNameAPrincipalByItsKindAndIdAlone() throws Exception {
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        var alice = new Principal("oidc", "alice@example.com");
        alice.key();

        String json = mapper.writeValueAsString(alice);

        assertThat(json).isEqualTo("{\"kind\":\"oidc\",\"id\":\"alice@example.com\"}");
        assertThat(mapper.readValue(json, Principal.class)).isEqualTo(alice);
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
