package dev.bedrockchat.function.auth;

/** {@code AUTH_MODE=none}: nobody signs in, every caller is anonymous. For a local run only. */
final class NoSignIn implements Authenticator {
    @Override
    public AuthMode mode() {
        return AuthMode.NONE;
    }

    @Override
    public Caller authenticate(Credentials credentials) {
        return Caller.ANONYMOUS;
    }
}
