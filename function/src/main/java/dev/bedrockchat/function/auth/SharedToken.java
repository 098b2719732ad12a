package dev.bedrockchat.function.auth;

import java.util.Objects;

/**
 * {@code AUTH_MODE=token}: one shared secret token ({@code AUTH_TOKEN}, or in AWS the secret of
 * {@code AUTH_TOKEN_SECRET_ARN}), compared in constant time. Whoever presents it is the shared-token principal.
 */
final class SharedToken implements Authenticator {
    private final Secret token;

    SharedToken(Secret token) {
        this.token = Objects.requireNonNull(token, "token");
    }

    @Override
    public AuthMode mode() {
        return AuthMode.TOKEN;
    }

    @Override
    public Caller authenticate(Credentials credentials) {
        if (credentials.token().isEmpty()) {
            throw new AuthenticationFailed(
                    AuthReason.MISSING_TOKEN,
                    "This API needs the deployment's access token: send it in the header 'X-Chat-Token: <token>' "
                            + "(or 'Authorization: Bearer <token>')");
        }
        if (!token.matches(credentials.token().get())) {
            throw new AuthenticationFailed(
                    AuthReason.INVALID_TOKEN,
                    "The access token is not this deployment's: send the right one in 'X-Chat-Token: <token>' "
                            + "(or 'Authorization: Bearer <token>')");
        }
        return Caller.SHARED_TOKEN;
    }
}
