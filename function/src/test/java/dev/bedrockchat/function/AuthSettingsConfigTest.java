package dev.bedrockchat.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bedrockchat.function.auth.AuthMode;
import dev.bedrockchat.function.auth.AuthSettings;
import dev.bedrockchat.function.auth.OidcSettings;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sign-in settings: AUTH_MODE and its default, the token, the OIDC_* settings and the origin secret. */
class AuthSettingsConfigTest {
    private static final String ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:chat/auth-token-AbCdEf";

    @TempDir
    Path dir;

    private AuthSettings auth(Map<String, String> env) {
        return Config.from(env, new Properties(), dir).auth();
    }

    private void refused(Map<String, String> env, String message) {
        assertThatThrownBy(() -> auth(env))
                .isInstanceOf(Config.ConfigException.class)
                .hasMessage(message);
    }

    private static Map<String, String> oidc(String... more) {
        var env = new HashMap<String, String>();
        env.put("AUTH_MODE", "oidc");
        env.put("OIDC_ISSUER", "https://login.example.com/realms/chat");
        env.put("OIDC_CLIENT_ID", "chat-page");
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    @Test
    void theModeDefaultsToTokenWhenATokenIsSetElseNone() {
        assertThat(auth(Map.of()).mode()).isEqualTo(AuthMode.NONE);
        assertThat(auth(Map.of("AUTH_TOKEN", "local-token")).mode()).isEqualTo(AuthMode.TOKEN);
        AuthSettings aws = auth(Map.of("AUTH_TOKEN_SECRET_ARN", ARN));
        assertThat(aws.mode()).isEqualTo(AuthMode.TOKEN);
        assertThat(aws.tokenSecretArn()).contains(ARN);
        assertThat(aws.token()).isEmpty();
        assertThat(aws.readsSecretsManager()).isTrue();
        assertThat(auth(Map.of("AUTH_MODE", "TOKEN", "AUTH_TOKEN", "t")).mode()).isEqualTo(AuthMode.TOKEN);
    }

    @Test
    void noValueOfASecretAppearsInTheSettingsText() {
        String text = Config.from(
                        Map.of("AUTH_TOKEN", "very-secret-token", "ORIGIN_VERIFY_SECRET", "very-secret-origin"),
                        new Properties(),
                        dir)
                .toString();

        assertThat(text)
                .doesNotContain("very-secret-token", "very-secret-origin")
                .contains("Secret[redacted]");
    }

    @Test
    void contradictorySettingsAreRefused() {
        refused(
                Map.of("AUTH_MODE", "sso"),
                "AUTH_MODE must be 'none', 'token' or 'oidc' (or unset: 'token' when AUTH_TOKEN or "
                        + "AUTH_TOKEN_SECRET_ARN is set, else 'none'), not 'sso'");
        refused(
                Map.of("AUTH_MODE", "token"),
                "AUTH_MODE is 'token' but no token is set: set AUTH_TOKEN (or, in AWS, AUTH_TOKEN_SECRET_ARN)");
        refused(
                Map.of("AUTH_MODE", "none", "AUTH_TOKEN", "t"),
                "AUTH_MODE is 'none' but AUTH_TOKEN is set: unset it, or use AUTH_MODE=token");
        refused(
                Map.of("AUTH_TOKEN", "t", "AUTH_TOKEN_SECRET_ARN", ARN),
                "AUTH_TOKEN and AUTH_TOKEN_SECRET_ARN are both set: use AUTH_TOKEN locally, AUTH_TOKEN_SECRET_ARN in "
                        + "AWS, not both");
        refused(
                Map.of("AUTH_TOKEN_SECRET_ARN", "chat/auth-token"),
                "AUTH_TOKEN_SECRET_ARN must be the ARN of a secret in AWS Secrets Manager "
                        + "(arn:aws:secretsmanager:<region>:<account>:secret:<name>), not 'chat/auth-token'");
        refused(
                Map.of("ORIGIN_VERIFY_SECRET", "o", "ORIGIN_VERIFY_SECRET_ARN", ARN),
                "ORIGIN_VERIFY_SECRET and ORIGIN_VERIFY_SECRET_ARN are both set: use ORIGIN_VERIFY_SECRET locally, "
                        + "ORIGIN_VERIFY_SECRET_ARN in AWS, not both");
        refused(
                Map.of("OIDC_ISSUER", "https://login.example.com"),
                "OIDC_ISSUER is set but AUTH_MODE is 'none': set AUTH_MODE=oidc to sign in with an OpenID Connect "
                        + "provider");
    }

    @Test
    void oidcNeedsAnIssuerAndAClient() {
        refused(
                Map.of("AUTH_MODE", "oidc", "OIDC_CLIENT_ID", "c"),
                "AUTH_MODE is 'oidc' but OIDC_ISSUER is not set: set it to the provider's issuer URL (its discovery "
                        + "document is <issuer>/.well-known/openid-configuration)");
        refused(
                Map.of("AUTH_MODE", "oidc", "OIDC_ISSUER", "https://login.example.com"),
                "AUTH_MODE is 'oidc' but OIDC_CLIENT_ID is not set: set it to the page's client id at the provider");
    }

    @Test
    void oidcDefaults() {
        OidcSettings oidc = auth(oidc()).oidc().orElseThrow();

        assertThat(oidc.issuer()).isEqualTo("https://login.example.com/realms/chat");
        assertThat(oidc.clientId()).isEqualTo("chat-page");
        assertThat(oidc.verifier()).isEqualTo(OidcSettings.Verifier.FUNCTION);
        assertThat(oidc.scopes()).containsExactly("openid", "email", "profile");
        assertThat(oidc.logoutStyle()).isEqualTo(OidcSettings.LogoutStyle.OIDC);
        assertThat(oidc.authorizationEndpoint()).isEmpty();
        assertThat(oidc.discoveryUri())
                .isEqualTo(URI.create("https://login.example.com/realms/chat/.well-known/openid-configuration"));
    }

    @Test
    void everyOidcSettingIsRead() {
        OidcSettings oidc = auth(oidc(
                        "OIDC_VERIFIER", "APIGATEWAY",
                        "OIDC_AUTHORIZATION_ENDPOINT", "https://chat.auth.eu-west-1.amazoncognito.com/oauth2/authorize",
                        "OIDC_TOKEN_ENDPOINT", "https://chat.auth.eu-west-1.amazoncognito.com/oauth2/token",
                        "OIDC_LOGOUT_ENDPOINT", "https://chat.auth.eu-west-1.amazoncognito.com/logout",
                        "OIDC_LOGOUT_STYLE", "cognito",
                        "OIDC_SCOPES", "openid, email  phone"))
                .oidc()
                .orElseThrow();

        assertThat(oidc.verifier()).isEqualTo(OidcSettings.Verifier.APIGATEWAY);
        assertThat(oidc.tokenEndpoint())
                .contains(URI.create("https://chat.auth.eu-west-1.amazoncognito.com/oauth2/token"));
        assertThat(oidc.logoutEndpoint())
                .isEqualTo(Optional.of(URI.create("https://chat.auth.eu-west-1.amazoncognito.com/logout")));
        assertThat(oidc.logoutStyle()).isEqualTo(OidcSettings.LogoutStyle.COGNITO);
        assertThat(oidc.scopes()).isEqualTo(List.of("openid", "email", "phone"));
    }

    @Test
    void badOidcSettingsNameTheirVariable() {
        refused(
                oidc("OIDC_ISSUER", "http://login.example.com"),
                "OIDC_ISSUER must be an https:// URL without query or fragment (http:// only on localhost), such as "
                        + "https://login.example.com/realms/chat, not 'http://login.example.com'");
        assertThat(auth(oidc("OIDC_ISSUER", "http://localhost:8180/realms/chat"))
                        .oidc()
                        .orElseThrow()
                        .issuer())
                .isEqualTo("http://localhost:8180/realms/chat");
        assertThatThrownBy(() -> auth(oidc("OIDC_TOKEN_ENDPOINT", "https://login.example.com/token?x=1")))
                .hasMessageStartingWith("OIDC_TOKEN_ENDPOINT must be an https:// URL");
        refused(
                oidc("OIDC_VERIFIER", "lambda"),
                "OIDC_VERIFIER must be 'function' (the function verifies tokens) or 'apigateway' (API Gateway's "
                        + "Cognito authorizer has), not 'lambda'");
        refused(
                oidc("OIDC_VERIFIER", "apigateway"),
                "OIDC_VERIFIER is 'apigateway', which fetches no discovery document: set OIDC_AUTHORIZATION_ENDPOINT "
                        + "and OIDC_TOKEN_ENDPOINT");
        refused(
                oidc("OIDC_LOGOUT_STYLE", "cognito"),
                "OIDC_LOGOUT_STYLE is 'cognito' but OIDC_LOGOUT_ENDPOINT is not set: set it to the managed login "
                        + "domain's /logout address");
        refused(
                oidc("OIDC_LOGOUT_STYLE", "saml"),
                "OIDC_LOGOUT_STYLE must be 'oidc' (RP-initiated logout) or 'cognito' (Cognito's logout endpoint), not "
                        + "'saml'");
        refused(
                oidc("OIDC_SCOPES", "email profile"),
                "OIDC_SCOPES must include 'openid' (an ID token is what signs the page in), not 'email profile'");
    }

    @Test
    void theSecretsManagerEndpointOverrideIsRead() {
        assertThat(auth(Map.of("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://127.0.0.1:5000"))
                        .secretsManagerEndpoint())
                .contains(URI.create("http://127.0.0.1:5000"));
        var properties = new Properties();
        properties.setProperty("aws.endpointUrlSecretsManager", "http://127.0.0.1:5001");
        assertThat(Config.from(Map.of(), properties, dir).auth().secretsManagerEndpoint())
                .contains(URI.create("http://127.0.0.1:5001"));
    }
}
