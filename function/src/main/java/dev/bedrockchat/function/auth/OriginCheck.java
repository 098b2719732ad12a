package dev.bedrockchat.function.auth;

import java.util.Optional;

/**
 * The one way in: in AWS, CloudFront adds {@code X-Origin-Verify: <secret>} to every request it sends to the API, and
 * the function refuses any request that does not carry it (compared in constant time), so that nothing reaches the
 * function around CloudFront. Off unless a secret is configured.
 */
public final class OriginCheck {
    /** The header CloudFront sends the secret in. */
    public static final String HEADER = "X-Origin-Verify";

    /** No check: every request is admitted. */
    public static final OriginCheck OFF = new OriginCheck(Optional.empty());

    private final Optional<Secret> secret;

    private OriginCheck(Optional<Secret> secret) {
        this.secret = secret;
    }

    public static OriginCheck requiring(Secret secret) {
        return new OriginCheck(Optional.of(secret));
    }

    public boolean enabled() {
        return secret.isPresent();
    }

    /** What the check makes of a request's header. */
    public enum Verdict {
        ADMITTED,
        /** The check is on and the header is absent. */
        MISSING,
        /** The check is on and the header holds another value. */
        MISMATCH
    }

    public Verdict check(Optional<String> presented) {
        if (secret.isEmpty()) {
            return Verdict.ADMITTED;
        }
        if (presented.isEmpty()) {
            return Verdict.MISSING;
        }
        return secret.get().matches(presented.get()) ? Verdict.ADMITTED : Verdict.MISMATCH;
    }
}
