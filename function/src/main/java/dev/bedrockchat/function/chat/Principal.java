package dev.bedrockchat.function.chat;

import java.util.Objects;

/**
 * Who is asking. Every request carries one: anonymous while the deployment has no sign-in, the shared-token principal
 * when AUTH_TOKEN guards the API, and later one per signed-in user. Conversations record their owner principal.
 *
 * @param kind how the caller was identified ({@code anonymous}, {@code token}, later e.g. {@code cognito})
 * @param id   a stable identifier within that kind
 */
public record Principal(String kind, String id) {
    public static final Principal ANONYMOUS = new Principal("anonymous", "anonymous");
    public static final Principal SHARED_TOKEN = new Principal("token", "shared-token");

    public Principal {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
    }
}
