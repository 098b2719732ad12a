package dev.bedrockchat.function.api;

import dev.bedrockchat.function.chat.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;

/**
 * Identifies the caller. Without AUTH_TOKEN every caller is anonymous; with it, a request must carry
 * {@code Authorization: Bearer <token>}, compared in constant time. Later sign-in methods (e.g. Cognito) add
 * principals here without changing the routes.
 */
public final class Authenticator {
    private final Optional<byte[]> tokenDigest;

    public Authenticator(Optional<String> authToken) {
        this.tokenDigest = authToken.map(Authenticator::digest);
    }

    /**
     * The principal of a request to a protected route.
     *
     * @throws ApiException Unauthorized when a token is required and missing or wrong
     */
    public Principal authenticate(ApiRequest request) {
        if (tokenDigest.isEmpty()) {
            return Principal.ANONYMOUS;
        }
        if (presentedTokenMatches(request)) {
            return Principal.SHARED_TOKEN;
        }
        throw new ApiException(
                HttpError.UNAUTHORIZED,
                "This API needs a token: send the header 'Authorization: Bearer <token>' with the deployment's token");
    }

    /** The principal of a request to an open route: never refuses. */
    public Principal identify(ApiRequest request) {
        return tokenDigest.isPresent() && presentedTokenMatches(request) ? Principal.SHARED_TOKEN : Principal.ANONYMOUS;
    }

    private boolean presentedTokenMatches(ApiRequest request) {
        Optional<String> presented = request.header("Authorization")
                .map(String::trim)
                .filter(value -> value.length() > 7
                        && value.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer "))
                .map(value -> value.substring(7).trim());
        // Both sides are hashed first, so the comparison takes the same time whatever the token's length.
        byte[] given = digest(presented.orElse(""));
        return MessageDigest.isEqual(given, tokenDigest.orElseThrow()) && presented.isPresent();
    }

    private static byte[] digest(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
