package dev.bedrockchat.function.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bedrockchat.function.http.SecurityHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The page's policy with the provider's token endpoint added to connect-src, and nothing else changed. */
class SecurityHeadersTest {
    @Test
    void anOriginJoinsConnectSrcRightAfterSelf() {
        assertThat(SecurityHeaders.contentSecurityPolicy(List.of("https://login.example.com")))
                .isEqualTo("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                        + "connect-src 'self' https://login.example.com; font-src 'self'; object-src 'none'; "
                        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
        assertThat(SecurityHeaders.contentSecurityPolicy(List.of())).isEqualTo(SecurityHeaders.CONTENT_SECURITY_POLICY);
        assertThat(SecurityHeaders.local(List.of("http://127.0.0.1:8180")).get("Content-Security-Policy"))
                .contains("connect-src 'self' http://127.0.0.1:8180;");
    }

    @Test
    void onlyAPlainOriginIsAccepted() {
        for (String bad : List.of(
                "https://login.example.com/path",
                "https://login.example.com; script-src *",
                "*",
                "https://Login.example.com",
                "'unsafe-inline'")) {
            assertThatThrownBy(() -> SecurityHeaders.contentSecurityPolicy(List.of(bad)))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
