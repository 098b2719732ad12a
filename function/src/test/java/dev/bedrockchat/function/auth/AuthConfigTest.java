package dev.bedrockchat.function.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.http.SecurityHeaders;
import dev.bedrockchat.function.testing.OidcProviderStub;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/auth/config} in every mode (open, whatever the token), the health endpoint's {@code auth}, and the
 * page's Content-Security-Policy, which in oidc mode lets the page call the provider's token endpoint.
 */
class AuthConfigTest {
    private OidcProviderStub provider;

    @BeforeEach
    void start() {
        provider = OidcProviderStub.start();
    }

    @AfterEach
    void stop() {
        provider.close();
    }

    private TestApp oidcApp(Map<String, String> extra) {
        var env = new HashMap<String, String>();
        env.put("CHAT_MODE", "offline");
        env.put("AUTH_MODE", "oidc");
        env.put("OIDC_ISSUER", provider.issuer());
        env.put("OIDC_CLIENT_ID", OidcProviderStub.CLIENT_ID);
        env.putAll(extra);
        return TestApp.start(env);
    }

    @Test
    void oidcFromDiscovery() {
        try (TestApp app = oidcApp(Map.of())) {
            HttpResponse<String> config = app.get("/api/auth/config");

            assertThat(config.statusCode()).isEqualTo(200);
            assertThat(config.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(TestApp.json(config))
                    .isEqualTo(TestApp.json("{\"mode\":\"oidc\",\"issuer\":\"" + provider.issuer()
                            + "\",\"clientId\":\"bedrock-chat\",\"authorizationEndpoint\":\""
                            + provider.authorizationEndpoint() + "\",\"tokenEndpoint\":\"" + provider.tokenEndpoint()
                            + "\",\"scopes\":[\"openid\",\"email\",\"profile\"],\"logout\":{\"url\":\""
                            + provider.endSessionEndpoint() + "\",\"style\":\"oidc\"}}"));
            assertThat(TestApp.json(app.get("/api/health")).path("auth").asText())
                    .isEqualTo("oidc");
            assertThat(provider.discoveryRequests()).isEqualTo(1);
        }
    }

    @Test
    void theOverridesWinOverDiscovery() {
        try (TestApp app = oidcApp(Map.of(
                "OIDC_AUTHORIZATION_ENDPOINT", "https://login.example.com/oauth2/authorize",
                "OIDC_TOKEN_ENDPOINT", "https://login.example.com/oauth2/token",
                "OIDC_LOGOUT_ENDPOINT", "https://login.example.com/logout",
                "OIDC_LOGOUT_STYLE", "cognito",
                "OIDC_SCOPES", "openid profile"))) {
            assertThat(TestApp.json(app.get("/api/auth/config")))
                    .isEqualTo(TestApp.json("{\"mode\":\"oidc\",\"issuer\":\"" + provider.issuer()
                            + "\",\"clientId\":\"bedrock-chat\","
                            + "\"authorizationEndpoint\":\"https://login.example.com/oauth2/authorize\","
                            + "\"tokenEndpoint\":\"https://login.example.com/oauth2/token\","
                            + "\"scopes\":[\"openid\",\"profile\"],"
                            + "\"logout\":{\"url\":\"https://login.example.com/logout\",\"style\":\"cognito\"}}"));
            assertThat(app.get("/api/health").headers().firstValue("Content-Security-Policy"))
                    .hasValue(SecurityHeaders.CONTENT_SECURITY_POLICY.replace(
                            "connect-src 'self';", "connect-src 'self' https://login.example.com;"));
        }
    }

    @Test
    void behindApiGatewaysAuthorizerNothingIsFetchedFromTheProvider() {
        try (TestApp app = oidcApp(Map.of(
                "OIDC_VERIFIER", "apigateway",
                "OIDC_AUTHORIZATION_ENDPOINT", "https://chat-dev.auth.eu-west-1.amazoncognito.com/oauth2/authorize",
                "OIDC_TOKEN_ENDPOINT", "https://chat-dev.auth.eu-west-1.amazoncognito.com/oauth2/token"))) {
            assertThat(TestApp.json(app.get("/api/auth/config")))
                    .isEqualTo(TestApp.json("{\"mode\":\"oidc\",\"issuer\":\"" + provider.issuer()
                            + "\",\"clientId\":\"bedrock-chat\",\"authorizationEndpoint\":"
                            + "\"https://chat-dev.auth.eu-west-1.amazoncognito.com/oauth2/authorize\",\"tokenEndpoint\":"
                            + "\"https://chat-dev.auth.eu-west-1.amazoncognito.com/oauth2/token\","
                            + "\"scopes\":[\"openid\",\"email\",\"profile\"]}"));
            assertThat(provider.discoveryRequests()).isZero();
            assertThat(provider.keySetRequests()).isZero();
        }
    }

    @Test
    void thePagesPolicyAddsTheTokenEndpointsOriginInOidcModeOnly() {
        try (TestApp app = oidcApp(Map.of())) {
            String origin = "http://127.0.0.1:" + provider.tokenEndpoint().getPort();

            assertThat(app.get("/").headers().firstValue("Content-Security-Policy"))
                    .hasValue("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                            + "connect-src 'self' " + origin + "; font-src 'self'; object-src 'none'; "
                            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
            assertThat(app.get("/api/auth/config").headers().firstValue("Content-Security-Policy"))
                    .hasValue(SecurityHeaders.contentSecurityPolicy(java.util.List.of(origin)));
        }
        try (TestApp app = TestApp.start(Map.of("CHAT_MODE", "offline"))) {
            assertThat(app.get("/").headers().firstValue("Content-Security-Policy"))
                    .hasValue(SecurityHeaders.CONTENT_SECURITY_POLICY);
        }
    }

    @Test
    void tokenAndNoneModesSayOnlyTheirMode() {
        try (TestApp app = TestApp.start(Map.of("CHAT_MODE", "offline", "AUTH_TOKEN", "s3cr3t-token-for-tests"))) {
            HttpResponse<String> config = app.get("/api/auth/config");
            assertThat(config.statusCode()).isEqualTo(200);
            assertThat(config.body()).isEqualTo("{\"mode\":\"token\"}");
            assertThat(TestApp.json(app.get("/api/health")).path("auth").asText())
                    .isEqualTo("token");
            assertThat(app.method("HEAD", "/api/auth/config").statusCode()).isEqualTo(200);
            assertThat(app.postJson("/api/auth/config", "{}").statusCode()).isEqualTo(405);
        }
        try (TestApp app = TestApp.start(Map.of("CHAT_MODE", "offline"))) {
            assertThat(app.get("/api/auth/config").body()).isEqualTo("{\"mode\":\"none\"}");
            assertThat(TestApp.json(app.get("/api/health")).path("auth").asText())
                    .isEqualTo("none");
            assertThat(TestApp.json(app.get("/api/me")))
                    .isEqualTo(TestApp.json(
                            "{\"principal\":{\"kind\":\"anonymous\",\"id\":\"anonymous\"},\"auth\":\"none\"}"));
        }
    }
}
