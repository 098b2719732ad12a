package dev.bedrockchat.function.auth;

import dev.bedrockchat.function.chat.Principal;
import java.util.Objects;
import java.util.Optional;

/**
 * Who signed in: the {@link Principal} (the identity that owns data) and, beside it, what is shown of the person
 * ({@code GET /api/me}). Logs name the principal's kind only, never the name or the email.
 *
 * @param name  a display name, when known (the shared token's is {@code Shared token}; a person's comes from the
 *              provider's claims)
 * @param email the person's email address, when the provider gave one
 */
public record Caller(Principal principal, Optional<String> name, Optional<String> email) {
    /** Everyone, when nobody signs in. */
    public static final Caller ANONYMOUS = new Caller(Principal.ANONYMOUS, Optional.empty(), Optional.empty());

    /** Whoever presents the shared token. */
    public static final Caller SHARED_TOKEN =
            new Caller(Principal.SHARED_TOKEN, Optional.of("Shared token"), Optional.empty());

    /** The principal kind of a person signed in with OpenID Connect. */
    public static final String OIDC_KIND = "oidc";

    public Caller {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(email, "email");
    }

    /** A person signed in with OpenID Connect: the principal's id is the token's {@code sub}. */
    public static Caller oidc(String subject, Optional<String> name, Optional<String> email) {
        return new Caller(new Principal(OIDC_KIND, subject), name, email);
    }
}
