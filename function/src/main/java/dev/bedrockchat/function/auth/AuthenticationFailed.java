package dev.bedrockchat.function.auth;

import java.util.Objects;

/**
 * A request that could not be signed in: the reason, and a message that says which check failed and what to do (never
 * which key or secret was involved).
 */
public final class AuthenticationFailed extends RuntimeException {
    private final AuthReason reason;

    public AuthenticationFailed(AuthReason reason, String message) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public AuthReason reason() {
        return reason;
    }
}
