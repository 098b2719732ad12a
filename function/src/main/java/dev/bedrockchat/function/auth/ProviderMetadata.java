package dev.bedrockchat.function.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.Optional;

/**
 * What the function uses of the provider's discovery document ({@code <issuer>/.well-known/openid-configuration}).
 *
 * @param endSessionEndpoint the RP-initiated logout endpoint, when the provider has one
 */
record ProviderMetadata(
        URI jwksUri,
        Optional<URI> authorizationEndpoint,
        Optional<URI> tokenEndpoint,
        Optional<URI> endSessionEndpoint) {

    /**
     * Fetches and checks the discovery document: its {@code issuer} must be the setting exactly, its {@code jwks_uri}
     * an HTTPS address (HTTP on this machine only), and a provider that lists its ID token algorithms must list RS256.
     *
     * @throws SignInSetupException naming OIDC_ISSUER and what is wrong
     */
    static ProviderMetadata discover(OidcSettings settings, JsonFetcher fetcher) {
        URI uri = settings.discoveryUri();
        JsonNode document;
        try {
            document = fetcher.get(uri);
        } catch (JsonFetcher.FetchFailed e) {
            throw new SignInSetupException("OIDC_ISSUER: the discovery document at " + uri + " " + e.getMessage()
                    + "; check OIDC_ISSUER and that the provider is running");
        }
        JsonNode issuer = document.path("issuer");
        if (!issuer.isTextual() || !issuer.asText().equals(settings.issuer())) {
            throw new SignInSetupException("OIDC_ISSUER is '" + settings.issuer()
                    + "' but the discovery document at " + uri + " names the issuer "
                    + (issuer.isTextual() ? "'" + issuer.asText() + "'" : "(none)")
                    + ": set OIDC_ISSUER to the provider's issuer exactly (tokens are checked against it)");
        }
        URI jwks = address(document, "jwks_uri", uri)
                .orElseThrow(() -> new SignInSetupException(
                        "OIDC_ISSUER: the discovery document at " + uri + " has no jwks_uri (the provider's keys)"));
        JsonNode algorithms = document.path("id_token_signing_alg_values_supported");
        if (algorithms.isArray() && algorithms.size() > 0) {
            boolean rs256 = false;
            for (JsonNode algorithm : algorithms) {
                rs256 |= algorithm.asText().equals("RS256");
            }
            if (!rs256) {
                throw new SignInSetupException("OIDC_ISSUER: the provider at " + settings.issuer()
                        + " does not sign ID tokens with RS256 (id_token_signing_alg_values_supported), the only "
                        + "algorithm this function accepts: configure the client for RS256");
            }
        }
        return new ProviderMetadata(
                jwks,
                address(document, "authorization_endpoint", uri),
                address(document, "token_endpoint", uri),
                address(document, "end_session_endpoint", uri));
    }

    private static Optional<URI> address(JsonNode document, String field, URI discovery) {
        JsonNode value = document.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = value.isTextual() ? URI.create(value.asText()) : null;
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (!ProviderUrls.acceptable(uri)) {
            throw new SignInSetupException("OIDC_ISSUER: the discovery document at " + discovery + " gives " + field
                    + " as " + value + ", which is not an https:// address (http:// is accepted on localhost only)");
        }
        return Optional.of(uri);
    }
}
