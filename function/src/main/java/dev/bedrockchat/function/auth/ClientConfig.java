package dev.bedrockchat.function.auth;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the page needs to know to sign in ({@code GET /api/auth/config}): the mode and, in {@code oidc} mode, the
 * provider's public client settings. Nothing in it is secret.
 */
public record ClientConfig(AuthMode mode, Optional<Oidc> oidc) {
    public ClientConfig {
        Objects.requireNonNull(mode, "mode");
        if ((mode == AuthMode.OIDC) != oidc.isPresent()) {
            throw new IllegalArgumentException("the OIDC client settings belong to oidc mode");
        }
    }

    /** The provider and the page's client at it. */
    public record Oidc(
            String issuer,
            String clientId,
            URI authorizationEndpoint,
            URI tokenEndpoint,
            List<String> scopes,
            Optional<Logout> logout) {
        public Oidc {
            scopes = List.copyOf(scopes);
        }

        /** The origin of the token endpoint ({@code scheme://host[:port]}), which the page calls from script. */
        public String tokenEndpointOrigin() {
            return ProviderUrls.origin(tokenEndpoint);
        }
    }

    /** Where and how the page signs out at the provider. */
    public record Logout(URI url, OidcSettings.LogoutStyle style) {}
}
