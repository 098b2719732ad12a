package dev.bedrockchat.function.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Tokens an attacker or a broken client would send: other algorithms, unsigned, hand-made parts. */
final class OidcTokens {
    private OidcTokens() {}

    static String base64url(String text) {
        return base64url(text.getBytes(StandardCharsets.UTF_8));
    }

    static String base64url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** {@code alg: none}, no signature (the third part empty). */
    static String unsigned(JWTClaimsSet claims) {
        return new PlainJWT(claims).serialize();
    }

    /** An HMAC token keyed with these bytes (e.g. the provider's RSA public key: the classic key-confusion attack). */
    static String hmac(JWSAlgorithm alg, byte[] key, String kid, JWTClaimsSet claims) {
        try {
            var jwt = new SignedJWT(
                    new JWSHeader.Builder(alg)
                            .keyID(kid)
                            .type(JOSEObjectType.JWT)
                            .build(),
                    claims);
            jwt.sign(new MACSigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** ES256 with a fresh P-256 key under the given key id. */
    static String es256(String kid, JWTClaimsSet claims) {
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
            var jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.ES256)
                            .keyID(kid)
                            .type(JOSEObjectType.JWT)
                            .build(),
                    claims);
            jwt.sign(new ECDSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The RSA public key's X.509 (DER) encoding, which a key-confusion attack uses as the HMAC secret. */
    static byte[] publicKeyBytes(RSAKey key) {
        try {
            return key.toRSAPublicKey().getEncoded();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token with this header and payload JSON and the signature part as given. */
    static String raw(String headerJson, String payloadJson, String signature) {
        return base64url(headerJson) + "." + base64url(payloadJson) + "." + signature;
    }
}
