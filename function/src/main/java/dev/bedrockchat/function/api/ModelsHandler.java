package dev.bedrockchat.function.api;

import dev.bedrockchat.function.chat.ModelCatalog;
import java.io.IOException;

/** {@code GET /api/models}: the models a chat request may name, default first. */
final class ModelsHandler {
    private final ModelCatalog catalog;
    private final ResponseBodies bodies;

    ModelsHandler(ModelCatalog catalog, ResponseBodies bodies) {
        this.catalog = catalog;
        this.bodies = bodies;
    }

    void list(Exchange x) throws IOException {
        x.sendJson(200, bodies.models(catalog));
    }
}
