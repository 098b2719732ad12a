package dev.bedrockchat.function.auth;

import java.util.Locale;

/** Why a request was not signed in: the {@code reason} of a 401 answer. */
public enum AuthReason {
    /** No token (nor, behind API Gateway's authorizer, any verified claims) came with the request. */
    MISSING_TOKEN,
    /** Not a token at all: not three base64url parts, not JSON, too long, a claim missing or of the wrong type. */
    MALFORMED_TOKEN,
    /** Signed with anything but RS256 ({@code none}, HS*, ES*, PS*, …). */
    UNSUPPORTED_ALGORITHM,
    /** The signature does not verify with the provider's key. */
    BAD_SIGNATURE,
    /** Signed with a key the provider does not publish. */
    UNKNOWN_KEY,
    /** Issued by another provider than OIDC_ISSUER. */
    WRONG_ISSUER,
    /** Issued for another application than OIDC_CLIENT_ID. */
    WRONG_AUDIENCE,
    /** Past its {@code exp}. */
    EXPIRED,
    /** Before its {@code nbf}, or issued in the future. */
    NOT_YET_VALID,
    /** Not the shared token. */
    INVALID_TOKEN,
    /** Signed with a key the provider has withdrawn from its key set. */
    REVOKED_KEY;

    /** The name in the error envelope, e.g. {@code missing_token}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
