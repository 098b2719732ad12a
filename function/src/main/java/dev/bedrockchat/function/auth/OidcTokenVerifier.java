package dev.bedrockchat.function.auth;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code AUTH_MODE=oidc} verified by the function itself: the token (an ID token, or an access token in JWT form) must
 * be a JWS signed with RS256 by one of the provider's keys, issued by OIDC_ISSUER for OIDC_CLIENT_ID, and within its
 * validity (60 s of clock skew allowed). The checks run in this order, and the first that fails answers: the form
 * (three base64url parts of JSON, at most 16 KiB), the algorithm (RS256 alone: {@code none}, HMAC — including an HS256
 * token keyed with the provider's public key —, ECDSA, RSASSA-PSS and anything else are refused), the type, the key,
 * the signature, then the claims. Nothing of the token is trusted before its signature verifies.
 */
final class OidcTokenVerifier implements Authenticator {
    static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
    private static final Pattern PRINTABLE = Pattern.compile("[A-Za-z0-9+._/-]{1,20}");

    private final String issuer;
    private final String clientId;
    private final SigningKeys keys;
    private final Clock clock;
    private final ObjectMapper strict;

    OidcTokenVerifier(String issuer, String clientId, SigningKeys keys, Clock clock, ObjectMapper mapper) {
        this.issuer = issuer;
        this.clientId = clientId;
        this.keys = keys;
        this.clock = clock;
        this.strict = mapper.copy()
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    @Override
    public AuthMode mode() {
        return AuthMode.OIDC;
    }

    @Override
    public Caller authenticate(Credentials credentials) {
        String token = credentials
                .token()
                .orElseThrow(() -> new AuthenticationFailed(
                        AuthReason.MISSING_TOKEN,
                        "Sign in first: send your ID token in the header 'X-Chat-Token: <token>' "
                                + "(or 'Authorization: Bearer <token>')"));
        CompactJws jws = CompactJws.parse(token, strict);
        checkAlgorithm(jws.header());
        checkType(jws.header());
        RSAPublicKey key = key(jws.header());
        checkSignature(jws, key);
        JsonNode claims = jws.claims();
        checkIssuer(claims);
        checkAudience(claims);
        checkTimes(claims);
        String subject = text(claims, "sub")
                .filter(sub -> sub.length() <= 255)
                .orElseThrow(() -> CompactJws.malformed("The token has no subject (sub) of 1 to 255 characters"));
        Optional<String> email = text(claims, "email");
        Optional<String> name = text(claims, "name")
                .or(() -> text(claims, "preferred_username"))
                .or(() -> email);
        return Caller.oidc(subject, name, email);
    }

    private static void checkAlgorithm(JsonNode header) {
        JsonNode alg = header.path("alg");
        if (!alg.isTextual()) {
            throw new AuthenticationFailed(
                    AuthReason.UNSUPPORTED_ALGORITHM,
                    "The token's header names no algorithm (alg): only RS256 is accepted");
        }
        if (!alg.asText().equals("RS256")) {
            String named =
                    PRINTABLE.matcher(alg.asText()).matches() ? "'" + alg.asText() + "'" : "an unknown algorithm";
            throw new AuthenticationFailed(
                    AuthReason.UNSUPPORTED_ALGORITHM, "The token is signed with " + named + ": only RS256 is accepted");
        }
        if (header.has("crit")) {
            throw CompactJws.malformed("The token's header lists critical extensions (crit), which are not supported");
        }
    }

    private static void checkType(JsonNode header) {
        if (!header.has("typ")) {
            return;
        }
        String typ = header.path("typ").asText("");
        if (!(typ.equalsIgnoreCase("JWT")
                || typ.equalsIgnoreCase("at+jwt")
                || typ.equalsIgnoreCase("application/at+jwt"))) {
            throw CompactJws.malformed("The token's type (typ) is neither JWT nor at+jwt: send an ID or access token");
        }
    }

    private RSAPublicKey key(JsonNode header) {
        JsonNode kid = header.path("kid");
        if (!kid.isMissingNode() && !kid.isTextual()) {
            throw CompactJws.malformed("The token's key id (kid) is not a string");
        }
        return switch (keys.find(kid.isTextual() ? Optional.of(kid.asText()) : Optional.empty())) {
            case SigningKeys.Lookup.Found found -> found.key();
            case SigningKeys.Lookup.Withdrawn withdrawn ->
                throw new AuthenticationFailed(
                        AuthReason.REVOKED_KEY,
                        "The token is signed with a key the provider has withdrawn: sign in again");
            case SigningKeys.Lookup.Unknown unknown ->
                throw new AuthenticationFailed(
                        AuthReason.UNKNOWN_KEY,
                        "The token is signed with a key the provider does not publish (unknown key id): "
                                + "sign in again with this deployment's provider");
        };
    }

    private static void checkSignature(CompactJws jws, RSAPublicKey key) {
        boolean valid;
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(key);
            verifier.update(jws.signingInput());
            valid = verifier.verify(jws.signature());
        } catch (GeneralSecurityException e) {
            valid = false;
        }
        if (!valid) {
            throw new AuthenticationFailed(
                    AuthReason.BAD_SIGNATURE,
                    "The token's signature does not verify with the provider's key: it was altered or not issued "
                            + "by the provider");
        }
    }

    private void checkIssuer(JsonNode claims) {
        if (!text(claims, "iss").map(issuer::equals).orElse(false)) {
            throw new AuthenticationFailed(
                    AuthReason.WRONG_ISSUER,
                    "The token was not issued by this deployment's provider (iss is not " + issuer + ")");
        }
    }

    private void checkAudience(JsonNode claims) {
        if (!ClaimRules.forClient(claims, clientId)) {
            throw new AuthenticationFailed(
                    AuthReason.WRONG_AUDIENCE,
                    "The token was issued for another application: neither its audience (aud) nor client_id nor azp "
                            + "is this deployment's client");
        }
    }

    private void checkTimes(JsonNode claims) {
        Instant now = clock.instant();
        Instant expires =
                time(claims, "exp").orElseThrow(() -> CompactJws.malformed("The token has no expiry time (exp)"));
        if (now.isAfter(expires.plus(CLOCK_SKEW))) {
            throw new AuthenticationFailed(
                    AuthReason.EXPIRED, "The token expired at " + expires + ": sign in again (or refresh the token)");
        }
        Optional<Instant> notBefore = time(claims, "nbf");
        if (notBefore.isPresent() && now.plus(CLOCK_SKEW).isBefore(notBefore.get())) {
            throw new AuthenticationFailed(
                    AuthReason.NOT_YET_VALID,
                    "The token is not valid before " + notBefore.get() + " (nbf): check the clocks");
        }
        Optional<Instant> issuedAt = time(claims, "iat");
        if (issuedAt.isPresent() && now.plus(CLOCK_SKEW).isBefore(issuedAt.get())) {
            throw new AuthenticationFailed(
                    AuthReason.NOT_YET_VALID,
                    "The token was issued in the future (iat " + issuedAt.get() + "): check the clocks");
        }
    }

    private static Optional<Instant> time(JsonNode claims, String name) {
        JsonNode value = claims.path(name);
        if (value.isMissingNode() || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isNumber() || !Double.isFinite(value.asDouble()) || Math.abs(value.asDouble()) > 1e11) {
            throw CompactJws.malformed("The token's " + name + " is not a time in seconds since 1970");
        }
        return Optional.of(Instant.ofEpochSecond((long) Math.floor(value.asDouble())));
    }

    private static Optional<String> text(JsonNode claims, String name) {
        JsonNode value = claims.path(name);
        return value.isTextual() && !value.asText().isBlank() ? Optional.of(value.asText()) : Optional.empty();
    }
}
