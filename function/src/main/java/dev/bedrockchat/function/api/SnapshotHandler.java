package dev.bedrockchat.function.api;

import dev.bedrockchat.function.chat.ChatException;
import java.io.IOException;
import java.util.Map;

/**
 * {@code POST} {@value SnapshotHooks#BEFORE_CHECKPOINT_PATH} and {@value SnapshotHooks#AFTER_RESTORE_PATH}: the Lambda
 * Web Adapter's SnapStart hooks. They are answered only for the adapter's own calls, which the transport tells apart
 * ({@link GatewayContext#invocationEvent()}: behind the adapter, a request without API Gateway's request context); any
 * other request, and every request to a function without hooks, gets the 404 of an unknown route, so the paths are of
 * no use to anyone but the adapter.
 */
final class SnapshotHandler {
    private final SnapshotHooks hooks;
    private final ResponseBodies bodies;

    SnapshotHandler(SnapshotHooks hooks, ResponseBodies bodies) {
        this.hooks = hooks;
        this.bodies = bodies;
    }

    /** Whether the request is the adapter's own call to a hook (and the function has hooks). */
    boolean admits(ApiRequest request) {
        return hooks != SnapshotHooks.NONE
                && request.gateway().invocationEvent()
                && request.method().equals("POST")
                && (request.path().equals(SnapshotHooks.BEFORE_CHECKPOINT_PATH)
                        || request.path().equals(SnapshotHooks.AFTER_RESTORE_PATH));
    }

    void beforeCheckpoint(Exchange x) throws IOException {
        run(x, "snapstart_before_checkpoint", hooks::beforeCheckpoint);
    }

    void afterRestore(Exchange x) throws IOException {
        run(x, "snapstart_after_restore", hooks::afterRestore);
    }

    private void run(Exchange x, String logType, java.util.function.Supplier<Map<String, Object>> hook)
            throws IOException {
        if (!admits(x.request())) {
            throw ChatException.notFound(
                    "No API route " + Api.safePath(x.request().path()) + "; see the API description (openapi.yaml)");
        }
        x.logAs(logType);
        Map<String, Object> done = hook.get();
        done.forEach(x::log);
        x.sendJson(200, bodies.snapshotHook(logType, done));
    }
}
