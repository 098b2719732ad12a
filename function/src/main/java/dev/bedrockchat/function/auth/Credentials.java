package dev.bedrockchat.function.auth;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a request presents to sign in: a token, and the claims that API Gateway's authorizer verified (only when the
 * transport can vouch for them: from the proxy event, or behind the Lambda Web Adapter).
 *
 * @param token            the raw token: {@code X-Chat-Token: <token>} (what the page sends), else
 *                         {@code Authorization: Bearer <token>} (programs, curl)
 * @param authorizerClaims {@code requestContext.authorizer.claims}, when a trusted transport passed them on
 */
public record Credentials(Optional<String> token, Optional<Map<String, String>> authorizerClaims) {
    /** The header the page sends its token in, raw (no {@code Bearer }). */
    public static final String TOKEN_HEADER = "X-Chat-Token";

    public Credentials {
        token = token.filter(value -> !value.isEmpty());
        authorizerClaims = authorizerClaims.map(Map::copyOf);
    }

    /** The credentials of a request's headers and the claims its transport vouches for. */
    public static Credentials of(
            Function<String, Optional<String>> header, Optional<Map<String, String>> authorizerClaims) {
        Optional<String> token = header.apply(TOKEN_HEADER)
                .map(String::trim)
                .filter(value -> !value.isEmpty())
                .or(() -> header.apply("Authorization").flatMap(Credentials::bearer));
        return new Credentials(token, authorizerClaims);
    }

    private static Optional<String> bearer(String authorization) {
        String value = authorization.trim();
        if (value.length() <= 7
                || !value.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return Optional.empty();
        }
        String token = value.substring(7).trim();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }
}
