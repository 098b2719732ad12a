package dev.bedrockchat.function.auth;

import java.util.Locale;
import java.util.Optional;

/** How callers sign in ({@code AUTH_MODE}). */
public enum AuthMode {
    /** Nobody signs in: every caller is the anonymous principal. For a local run only. */
    NONE,
    /** One shared secret token guards the API. */
    TOKEN,
    /** Each person signs in with an OpenID Connect provider. */
    OIDC;

    /** The name in settings and answers: {@code none}, {@code token}, {@code oidc}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode of a setting's value (any case), if it names one. */
    public static Optional<AuthMode> parse(String value) {
        for (AuthMode mode : values()) {
            if (mode.wireName().equalsIgnoreCase(value.trim())) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
