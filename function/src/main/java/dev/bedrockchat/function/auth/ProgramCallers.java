package dev.bedrockchat.function.auth;

import dev.bedrockchat.function.chat.Principal;
import java.util.Objects;
import java.util.Optional;

/**
 * Who calls the programming interface ({@code /v1}), by the deployment's sign-in mode:
 *
 * <ul>
 *   <li>with IAM authorization ({@code API_IAM_AUTH=true}), a request API Gateway verified with AWS Signature Version
 *       4 is the caller's IAM principal (its ARN, as API Gateway names it);
 *   <li>{@code oidc}: {@code Authorization: Bearer <API key>}, a key a signed-in person created, which stands for
 *       that person (an ID token is not taken here: programs hold keys, not sessions);
 *   <li>{@code token}: the shared token, as for the chat API;
 *   <li>{@code none}: anyone, as the anonymous principal.
 * </ul>
 */
public final class ProgramCallers {
    /** The principal kind of a caller API Gateway verified by its IAM signature. */
    public static final String IAM_KIND = "iam";

    /** What a presented API key stands for. */
    public sealed interface KeyLookup {
        /** A live key, and the person it stands for. */
        record Owner(Principal owner) implements KeyLookup {}

        /** No key like it was ever created here (or it is not a key of this deployment's format). */
        record Unknown() implements KeyLookup {}

        /** The key was revoked by its owner. */
        record Revoked() implements KeyLookup {}
    }

    /** Finds the owner of an API key. */
    @FunctionalInterface
    public interface KeyOwners {
        /**
         * @throws dev.bedrockchat.function.chat.ChatException StorageUnavailable when the keys cannot be read
         */
        KeyLookup lookup(String presented);
    }

    private final Authenticator signIn;
    private final Optional<KeyOwners> keys;
    private final boolean iamAuth;

    /**
     * @param signIn  the deployment's sign-in (its mode decides; in {@code token} mode it checks the shared token)
     * @param keys    the API keys, in {@code oidc} mode
     * @param iamAuth whether API Gateway authorizes {@code /v1} with IAM ({@code API_IAM_AUTH})
     */
    public ProgramCallers(Authenticator signIn, Optional<KeyOwners> keys, boolean iamAuth) {
        this.signIn = Objects.requireNonNull(signIn, "signIn");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.iamAuth = iamAuth;
        if (signIn.mode() == AuthMode.OIDC && keys.isEmpty()) {
            throw new IllegalArgumentException("oidc mode takes API keys on /v1: give the key store");
        }
    }

    /** Whether a request with this verified IAM identity is taken as signed by API Gateway (and skips the origin check). */
    public boolean signedByIam(Optional<String> iamUserArn) {
        return iamAuth && iamUserArn.isPresent();
    }

    /**
     * The caller of a {@code /v1} request.
     *
     * @param iamUserArn the caller's IAM ARN, as API Gateway verified it ({@code requestContext.identity.userArn})
     * @throws AuthenticationFailed when the request presents no usable credentials
     */
    public Caller authenticate(Credentials credentials, Optional<String> iamUserArn) {
        if (signedByIam(iamUserArn)) {
            return new Caller(new Principal(IAM_KIND, iamUserArn.get()), iamUserArn, Optional.empty());
        }
        return switch (signIn.mode()) {
            case NONE, TOKEN -> signIn.authenticate(credentials);
            case OIDC -> keyOwner(credentials);
        };
    }

    private Caller keyOwner(Credentials credentials) {
        String presented = credentials
                .token()
                .orElseThrow(() -> new AuthenticationFailed(
                        AuthReason.MISSING_TOKEN,
                        "This API needs an API key: send it as 'Authorization: Bearer <key>'; create one on the page "
                                + "under API keys (signed in)"));
        return switch (keys.orElseThrow().lookup(presented)) {
            case KeyLookup.Owner owner -> new Caller(owner.owner(), Optional.empty(), Optional.empty());
            case KeyLookup.Revoked revoked ->
                throw new AuthenticationFailed(
                        AuthReason.INVALID_TOKEN,
                        "This API key has been revoked: create a new one on the page under API keys");
            case KeyLookup.Unknown unknown ->
                throw new AuthenticationFailed(
                        AuthReason.INVALID_TOKEN,
                        "The API key is not one of this deployment's: send a key created on the page under API keys, "
                                + "as 'Authorization: Bearer <key>'");
        };
    }
}
