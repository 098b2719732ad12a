package dev.bedrockchat.function.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.chat.ChatException;
import java.io.IOException;

/**
 * {@code POST /events}: the function's own Lambda events, which are not HTTP requests. Behind the Lambda Web Adapter
 * such an event arrives as this request with the event as its body (the adapter's pass-through path,
 * AWS_LWA_PASS_THROUGH_PATH); the buffered handler turns it into the same request. API Gateway never routes here.
 *
 * <p>The only event is the daily warm-up, {@code {"source":"bedrock-chat.warm-up"}}, which keeps the function's
 * SnapStart versions active: it is answered at once, calls nothing (no model, no store) and writes one
 * {@code warm_up} log line.
 */
final class EventsHandler {
    /** The {@code source} of the warm-up event. */
    static final String WARM_UP_SOURCE = "bedrock-chat.warm-up";

    private final String mode;
    private final String version;
    private final ResponseBodies bodies;
    private final ObjectMapper mapper;

    EventsHandler(String mode, String version, ResponseBodies bodies, ObjectMapper mapper) {
        this.mode = mode;
        this.version = version;
        this.bodies = bodies;
        this.mapper = mapper;
    }

    void post(Exchange x) throws IOException {
        byte[] body = RequestBodies.read(x.request().body(), x.request().contentLength(), Api.MAX_BODY_BYTES);
        JsonNode event;
        try {
            event = mapper.readTree(body);
        } catch (IOException e) {
            event = null;
        }
        if (event == null
                || !event.isObject()
                || !WARM_UP_SOURCE.equals(event.path("source").asText(null))) {
            throw ChatException.validation("POST /events takes the function's own Lambda events, and the only one is "
                    + "the warm-up {\"source\":\"" + WARM_UP_SOURCE + "\"}; chat requests go to /api/");
        }
        x.logAs("warm_up");
        x.log("source", WARM_UP_SOURCE);
        x.sendJson(200, bodies.warmUp(mode, version));
    }
}
