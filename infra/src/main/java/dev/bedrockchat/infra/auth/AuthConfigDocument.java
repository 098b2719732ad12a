package dev.bedrockchat.infra.auth;

import dev.bedrockchat.infra.config.EnvironmentConfig.AuthMode;
import dev.bedrockchat.infra.support.Ordered;
import java.util.Map;

/**
 * The answer of {@code GET /api/auth/config}: how the page signs in. In AWS CloudFront serves it from the site bucket
 * ({@code web/AuthConfigObject}), so the page learns the app client (made in the web stack) without the function, and
 * without a Lambda call per page load.
 */
public final class AuthConfigDocument {
    /** Cognito's logout takes {@code client_id} and {@code logout_uri}, not the OIDC RP-initiated logout. */
    public static final String COGNITO_LOGOUT_STYLE = "cognito";

    private AuthConfigDocument() {}

    /** {@code {"mode":"none"}} or {@code {"mode":"token"}}. */
    public static Map<String, Object> withoutSignIn(AuthMode mode) {
        if (mode == AuthMode.OIDC) {
            throw new IllegalArgumentException("the oidc mode needs the pool and the client");
        }
        return Ordered.map("mode", mode.value());
    }

    /** The Cognito user pool and the page's app client, with the managed login's endpoints. */
    public static Map<String, Object> cognito(SignInPool pool, String clientId) {
        return Ordered.entries(
                Map.entry("mode", AuthMode.OIDC.value()),
                Map.entry("issuer", pool.issuer()),
                Map.entry("clientId", clientId),
                Map.entry("authorizationEndpoint", pool.authorizationEndpoint()),
                Map.entry("tokenEndpoint", pool.tokenEndpoint()),
                Map.entry("scopes", SignInPool.SCOPES),
                Map.entry("logout", Ordered.map("url", pool.logoutEndpoint(), "style", COGNITO_LOGOUT_STYLE)));
    }
}
