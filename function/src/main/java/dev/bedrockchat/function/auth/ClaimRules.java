package dev.bedrockchat.function.auth;

import com.fasterxml.jackson.databind.JsonNode;

/** Rules on claims that the function's own verification and API Gateway's verified claims share. */
final class ClaimRules {
    private ClaimRules() {}

    /**
     * Whether the token was issued for the client: an ID token's {@code aud} (a string or an array) contains it, or an
     * access token's {@code client_id} or {@code azp} is it.
     */
    static boolean forClient(JsonNode claims, String clientId) {
        JsonNode aud = claims.path("aud");
        if (aud.isTextual() && aud.asText().equals(clientId)) {
            return true;
        }
        if (aud.isArray()) {
            for (JsonNode entry : aud) {
                if (entry.isTextual() && entry.asText().equals(clientId)) {
                    return true;
                }
            }
        }
        return claims.path("client_id").asText("").equals(clientId)
                || claims.path("azp").asText("").equals(clientId);
    }
}
