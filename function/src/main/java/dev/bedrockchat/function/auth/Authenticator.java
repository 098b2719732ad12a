package dev.bedrockchat.function.auth;

/** Turns what a request presents into the caller, or refuses it; one per sign-in mode. */
public interface Authenticator {
    /** The mode this authenticator implements. */
    AuthMode mode();

    /**
     * The caller of a request to a route that needs one.
     *
     * @throws AuthenticationFailed when the request cannot be signed in; its reason and message go to the client
     */
    Caller authenticate(Credentials credentials);

    /** The caller of a request to an open route: whoever is signed in, else the anonymous caller; never refuses. */
    default Caller identify(Credentials credentials) {
        try {
            return authenticate(credentials);
        } catch (AuthenticationFailed e) {
            return Caller.ANONYMOUS;
        }
    }
}
