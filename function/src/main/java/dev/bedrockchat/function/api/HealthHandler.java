package dev.bedrockchat.function.api;

import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.chat.ModelCheck;
import java.io.IOException;
import java.util.Optional;

/**
 * {@code GET /api/health}: what this deployment runs; with {@code ?check=bedrock}, whether every allowed model
 * answers (a diagnosis: 200 whatever it finds).
 */
final class HealthHandler {
    private final HealthInfo health;
    private final ModelCheck check;
    private final ResponseBodies bodies;

    HealthHandler(HealthInfo health, ModelCheck check, ResponseBodies bodies) {
        this.health = health;
        this.check = check;
        this.bodies = bodies;
    }

    void get(Exchange x) throws IOException {
        Optional<String> requested = x.request().queryParameter("check");
        if (requested.isEmpty()) {
            x.sendJson(200, bodies.health(health));
            return;
        }
        if (!requested.get().equals("bedrock")) {
            throw ChatException.validation(
                    "check must be 'bedrock' (GET /api/health?check=bedrock calls every allowed model once)");
        }
        ModelCheck.Result result = check.result();
        x.log("check", "bedrock");
        x.log("checkOk", result.ok());
        x.log("checkCached", result.cached());
        x.sendJson(200, bodies.bedrockCheck(health, result, check.timeout().toMillis()));
    }
}
