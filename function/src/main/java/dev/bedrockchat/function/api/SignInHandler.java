package dev.bedrockchat.function.api;

import dev.bedrockchat.function.auth.SignIn;
import java.io.IOException;

/**
 * {@code GET /api/auth/config} (open: how the page signs in) and {@code GET /api/me} (signed in: who the caller is).
 */
final class SignInHandler {
    private final SignIn signIn;
    private final ResponseBodies bodies;

    SignInHandler(SignIn signIn, ResponseBodies bodies) {
        this.signIn = signIn;
        this.bodies = bodies;
    }

    void config(Exchange x) throws IOException {
        x.sendJson(200, bodies.authConfig(signIn.clientConfig()));
    }

    void me(Exchange x) throws IOException {
        x.sendJson(200, bodies.me(x.caller(), signIn.mode()));
    }
}
