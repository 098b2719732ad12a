package dev.bedrockchat.function.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.auth.AuthMode;
import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.keys.ApiKeys;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * A signed-in person's API keys ({@code oidc} mode): {@code POST /api/keys} creates one (its key is shown in this
 * answer only), {@code GET /api/keys} lists the live ones, {@code DELETE /api/keys/{keyId}} revokes one.
 *
 * <p>Without per-person sign-in there are no keys: in {@code token} and {@code none} mode these routes answer 404
 * NotFound, saying that {@code /v1} takes the shared token (or anyone) there instead.
 */
final class KeysHandler {
    private static final String EXAMPLE = "{\"name\":\"laptop script\"}";

    private final Optional<ApiKeys> keys;
    private final AuthMode mode;
    private final ResponseBodies bodies;
    private final ObjectMapper mapper;

    KeysHandler(Optional<ApiKeys> keys, AuthMode mode, ResponseBodies bodies, ObjectMapper mapper) {
        this.keys = keys;
        this.mode = mode;
        this.bodies = bodies;
        this.mapper = mapper;
    }

    void create(Exchange x) throws IOException {
        ApiKeys store = store();
        JsonNode json = RequestBodies.jsonObject(x.request(), mapper, Api.MAX_BODY_BYTES, EXAMPLE);
        JsonNode name = json.path("name");
        if (!name.isTextual()) {
            throw ChatException.validation("name is required, a string such as " + EXAMPLE);
        }
        x.sendJson(201, bodies.createdKey(store.create(x.principal(), name.asText())));
    }

    void list(Exchange x) throws IOException {
        x.sendJson(200, bodies.keys(store().list(x.principal())));
    }

    void revoke(Exchange x) throws IOException {
        if (!store().revoke(x.principal(), x.pathParameter("keyId"))) {
            throw ChatException.notFound("No such API key of yours: it may have been revoked already; GET /api/keys "
                    + "lists your live keys");
        }
        x.send(204, Map.of(), new byte[0]);
    }

    private ApiKeys store() {
        return keys.orElseThrow(() -> ChatException.notFound("API keys belong to signed-in people, and this "
                + "deployment has no per-person sign-in (AUTH_MODE=" + mode.wireName() + "): /v1 takes "
                + (mode == AuthMode.TOKEN
                        ? "the shared access token as 'Authorization: Bearer <token>'"
                        : "every caller without a key")
                + " instead; with AUTH_MODE=oidc each person creates keys here"));
    }
}
