package dev.bedrockchat.function.auth;

import java.util.Map;
import java.util.Optional;

/**
 * {@code AUTH_MODE=oidc} with {@code OIDC_VERIFIER=apigateway}: API Gateway's Cognito authorizer has verified the ID
 * token (signature, expiry); the function takes the claims it passes in the request context, and checks that they name
 * this deployment's issuer and client. The claims are trusted only as the transport hands them over: from the proxy
 * event (buffered), or from the {@code x-amzn-request-context} header behind the Lambda Web Adapter, which the adapter
 * sets itself. Anywhere else a client could forge that header, and it is never read.
 */
final class AuthorizerClaims implements Authenticator {
    private final String issuer;
    private final String clientId;

    AuthorizerClaims(String issuer, String clientId) {
        this.issuer = issuer;
        this.clientId = clientId;
    }

    @Override
    public AuthMode mode() {
        return AuthMode.OIDC;
    }

    @Override
    public Caller authenticate(Credentials credentials) {
        Map<String, String> claims = credentials
                .authorizerClaims()
                .filter(map -> !map.isEmpty())
                .orElseThrow(() -> new AuthenticationFailed(
                        AuthReason.MISSING_TOKEN,
                        "Sign in first: no verified sign-in came with the request (API Gateway's authorizer passed no "
                                + "claims); send your ID token in the header 'X-Chat-Token: <token>'"));
        if (!issuer.equals(claims.get("iss"))) {
            throw new AuthenticationFailed(
                    AuthReason.WRONG_ISSUER,
                    "The sign-in was not issued by this deployment's provider (iss is not " + issuer + ")");
        }
        boolean forClient = clientId.equals(claims.get("aud"))
                || clientId.equals(claims.get("client_id"))
                || clientId.equals(claims.get("azp"));
        if (!forClient) {
            throw new AuthenticationFailed(
                    AuthReason.WRONG_AUDIENCE,
                    "The sign-in was issued for another application: neither its audience (aud) nor client_id nor azp "
                            + "is this deployment's client");
        }
        String subject = text(claims, "sub")
                .filter(sub -> sub.length() <= 255)
                .orElseThrow(() -> new AuthenticationFailed(
                        AuthReason.MALFORMED_TOKEN,
                        "The verified claims have no subject (sub) of 1 to 255 characters"));
        Optional<String> email = text(claims, "email");
        Optional<String> name = text(claims, "name")
                .or(() -> text(claims, "preferred_username"))
                .or(() -> email)
                .or(() -> text(claims, "cognito:username"));
        return Caller.oidc(subject, name, email);
    }

    private static Optional<String> text(Map<String, String> claims, String name) {
        String value = claims.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }
}
