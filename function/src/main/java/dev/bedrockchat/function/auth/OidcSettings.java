package dev.bedrockchat.function.auth;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Sign-in with an OpenID Connect provider.
 *
 * @param issuer                {@code OIDC_ISSUER}, exactly as the provider's tokens and discovery document name it
 * @param clientId              {@code OIDC_CLIENT_ID}: the page's (public) client at the provider
 * @param verifier              {@code OIDC_VERIFIER}: who verifies the tokens
 * @param authorizationEndpoint {@code OIDC_AUTHORIZATION_ENDPOINT}, overriding discovery
 * @param tokenEndpoint         {@code OIDC_TOKEN_ENDPOINT}, overriding discovery
 * @param logoutEndpoint        {@code OIDC_LOGOUT_ENDPOINT}, overriding discovery's {@code end_session_endpoint}
 * @param logoutStyle           {@code OIDC_LOGOUT_STYLE}: how the page signs out at the provider
 * @param scopes                {@code OIDC_SCOPES}: what the page asks for
 */
public record OidcSettings(
        String issuer,
        String clientId,
        Verifier verifier,
        Optional<URI> authorizationEndpoint,
        Optional<URI> tokenEndpoint,
        Optional<URI> logoutEndpoint,
        LogoutStyle logoutStyle,
        List<String> scopes) {

    /** The scopes the page asks for unless OIDC_SCOPES says otherwise. */
    public static final List<String> DEFAULT_SCOPES = List.of("openid", "email", "profile");

    /** Who verifies a person's token. */
    public enum Verifier {
        /** The function itself: discovery, the provider's keys (JWKS), RS256 signatures and the claims. */
        FUNCTION,
        /**
         * API Gateway's Cognito authorizer; the function takes the verified claims from the request context (and
         * makes no call to the provider).
         */
        APIGATEWAY
    }

    /** How the page signs out at the provider. */
    public enum LogoutStyle {
        /** RP-initiated logout: {@code url?client_id=…&post_logout_redirect_uri=<origin>/&id_token_hint=…}. */
        OIDC,
        /** Cognito's logout endpoint: {@code url?client_id=…&logout_uri=<origin>/}. */
        COGNITO
    }

    public OidcSettings {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(verifier, "verifier");
        Objects.requireNonNull(logoutStyle, "logoutStyle");
        scopes = List.copyOf(scopes);
        if (verifier == Verifier.APIGATEWAY && (authorizationEndpoint.isEmpty() || tokenEndpoint.isEmpty())) {
            throw new IllegalArgumentException("the apigateway verifier needs the authorization and token endpoints");
        }
    }

    /** The discovery document's address: {@code <issuer>/.well-known/openid-configuration}. */
    public URI discoveryUri() {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        return URI.create(base + "/.well-known/openid-configuration");
    }
}
