package dev.bedrockchat.system.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** A compact JWS (a signed JWT) read as it is, and checked against a JSON Web Key with the JDK's own RSA. */
public record Jwt(String compact, JsonNode header, JsonNode claims, byte[] signingInput, byte[] signature) {
    private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();

    public static Jwt parse(String compact) {
        String[] parts = compact.split("\\.", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a compact JWS (three dot-separated parts): " + compact);
        }
        return new Jwt(
                compact,
                Http.parse(new String(BASE64URL.decode(parts[0]), StandardCharsets.UTF_8)),
                Http.parse(new String(BASE64URL.decode(parts[1]), StandardCharsets.UTF_8)),
                (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII),
                BASE64URL.decode(parts[2]));
    }

    public String kid() {
        return header.path("kid").asText(null);
    }

    public String alg() {
        return header.path("alg").asText(null);
    }

    public String claim(String name) {
        return claims.path(name).asText(null);
    }

    /** The {@code aud} claim as a list: one audience is a string in the token, several an array. */
    public List<String> audience() {
        JsonNode aud = claims.path("aud");
        if (aud.isTextual()) {
            return List.of(aud.asText());
        }
        List<String> audience = new ArrayList<>();
        aud.forEach(value -> audience.add(value.asText()));
        return audience;
    }

    public Instant issuedAt() {
        return Instant.ofEpochSecond(claims.path("iat").asLong());
    }

    public Instant expiresAt() {
        return Instant.ofEpochSecond(claims.path("exp").asLong());
    }

    /** The key of {@code jwks} (a JWK Set) whose {@code kid} is this token's, or null. */
    public JsonNode keyIn(JsonNode jwks) {
        for (JsonNode key : jwks.path("keys")) {
            if (key.path("kid").asText("").equals(kid())) {
                return key;
            }
        }
        return null;
    }

    /** True when this token says RS256 and its signature verifies with the RSA public key {@code jwk}. */
    public boolean isSignedBy(JsonNode jwk) {
        if (!"RS256".equals(alg()) || !"RSA".equals(jwk.path("kty").asText())) {
            return false;
        }
        try {
            PublicKey key = KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(
                            new BigInteger(1, BASE64URL.decode(jwk.path("n").asText())),
                            new BigInteger(1, BASE64URL.decode(jwk.path("e").asText()))));
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initVerify(key);
            rs256.update(signingInput);
            return rs256.verify(signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot check the signature with " + jwk, e);
        }
    }
}
