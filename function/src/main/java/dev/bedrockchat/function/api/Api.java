package dev.bedrockchat.function.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bedrockchat.function.aws.ServiceErrors;
import dev.bedrockchat.function.chat.ChatCommand;
import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.chat.ChatListener;
import dev.bedrockchat.function.chat.ChatResult;
import dev.bedrockchat.function.chat.ChatService;
import dev.bedrockchat.function.chat.ClientDisconnectedException;
import dev.bedrockchat.function.chat.Conversation;
import dev.bedrockchat.function.chat.ErrorCode;
import dev.bedrockchat.function.chat.ModelCatalog;
import dev.bedrockchat.function.chat.Principal;
import dev.bedrockchat.function.chat.StoredMessage;
import dev.bedrockchat.function.chat.Usage;
import dev.bedrockchat.function.http.ContentTypes;
import dev.bedrockchat.function.http.PercentDecoding;
import dev.bedrockchat.function.http.SecurityHeaders;
import dev.bedrockchat.function.http.StaticFiles;
import dev.bedrockchat.function.log.JsonLog;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The HTTP API and the page, independent of the transport: routes a {@link ApiRequest} and writes the answer to a
 * {@link ResponseSink}. Both the local/Lambda Web Adapter server and the API Gateway handler use this one router.
 *
 * <p>Every response carries {@code x-request-id} and the security headers; every error is the JSON envelope
 * {@code {"error":{"code","message","requestId"}}}; every request ends with one structured log line, which for a
 * 5xx error also names the cause's class and, when AWS answered, its error code and request id.
 */
public final class Api {
    /** The largest request body read; beyond it the answer is 413 and the rest is not read. */
    public static final int MAX_BODY_BYTES = 256 * 1024;

    private static final Pattern CLIENT_REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{8,64}");
    private static final String CONVERSATIONS = "/api/conversations/";

    /**
     * What the health endpoint reports. {@code bedrockEndpoint} is set when Bedrock calls go to an endpoint override
     * (AWS_ENDPOINT_URL_BEDROCK_RUNTIME), such as a local stand-in: the page shows it, so nobody mistakes it for
     * Amazon Bedrock itself.
     */
    public record HealthInfo(
            String mode,
            String model,
            String region,
            String storage,
            String version,
            Optional<String> bedrockEndpoint) {}

    private final ChatService chat;
    private final HealthInfo health;
    private final Authenticator authenticator;
    private final Optional<StaticFiles> staticFiles;
    private final JsonLog log;
    private final ObjectMapper mapper;

    public Api(
            ChatService chat,
            HealthInfo health,
            Authenticator authenticator,
            Optional<StaticFiles> staticFiles,
            JsonLog log,
            ObjectMapper mapper) {
        this.chat = chat;
        this.health = health;
        this.authenticator = authenticator;
        this.staticFiles = staticFiles;
        this.log = log;
        this.mapper = mapper;
    }

    /** Handles one request completely; never throws. */
    public void handle(ApiRequest request, ResponseSink sink) {
        var exchange = new Exchange(request, requestIdFor(request), sink);
        try {
            dispatch(exchange);
        } catch (ChatException e) {
            if (e.code() == ErrorCode.INTERNAL_ERROR && e.getCause() != null) {
                logUnexpected(exchange, e.getCause());
            }
            exchange.fail(e);
        } catch (ClientDisconnectedException e) {
            exchange.clientClosed = true;
        } catch (IOException e) {
            // The response could not be written: the client has gone.
            exchange.clientClosed = true;
        } catch (RuntimeException e) {
            logUnexpected(exchange, e);
            exchange.fail(new ChatException(
                    ErrorCode.INTERNAL_ERROR,
                    "Something went wrong on our side; try again, " + "and quote the request id if it keeps happening",
                    OptionalInt.empty(),
                    e));
        } finally {
            exchange.logLine();
        }
    }

    /**
     * Answers a request that its transport could not read (e.g. a Lambda event that is not valid JSON, or whose body
     * is not valid base64) with 400 ValidationError, the envelope and {@code x-request-id}, and writes its log line;
     * never throws.
     *
     * @param request what the transport could read of it (method, path, ids), with an empty body
     * @param message what is wrong and what to send instead
     */
    public void refuse(ApiRequest request, String message, ResponseSink sink) {
        var exchange = new Exchange(request, requestIdFor(request), sink);
        try {
            exchange.fail(ChatException.validation(message));
        } finally {
            exchange.logLine();
        }
    }

    /** For the operators only: what failed and where (never sent to the client). */
    private void logUnexpected(Exchange exchange, Throwable e) {
        var line = new LinkedHashMap<String, Object>();
        line.put("requestId", exchange.requestId);
        line.put("route", exchange.route);
        line.put("exception", e.getClass().getName());
        line.put("detail", e.getMessage());
        line.put(
                "at",
                Arrays.stream(e.getStackTrace()).limit(8).map(String::valueOf).toList());
        if (e.getCause() != null) {
            line.put(
                    "cause",
                    e.getCause().getClass().getName() + ": " + e.getCause().getMessage());
        }
        log.error("unexpected_error", line);
    }

    private void dispatch(Exchange x) throws IOException {
        String path = x.request.path();
        if (!path.equals("/api") && !path.startsWith("/api/")) {
            staticFile(x);
            return;
        }
        if (path.equals("/api/health")) {
            x.route = path;
            x.principal = authenticator.identify(x.request);
            x.allow("GET");
            health(x);
            return;
        }
        x.principal = authenticator.authenticate(x.request);
        switch (path) {
            case "/api/models" -> {
                x.route = path;
                x.allow("GET");
                models(x);
            }
            case "/api/chat" -> {
                x.route = path;
                x.allow("POST");
                chat(x);
            }
            default -> {
                String id = path.startsWith(CONVERSATIONS) ? path.substring(CONVERSATIONS.length()) : "";
                if (id.isEmpty() || id.contains("/")) {
                    x.route = "/api/*";
                    throw ChatException.notFound(
                            "No API route " + safePath(path) + "; see the API description " + "(openapi.yaml)");
                }
                x.route = CONVERSATIONS + "{id}";
                x.allow("GET", "DELETE");
                String conversationId = PercentDecoding.decode(id)
                        .orElseThrow(() -> ChatException.validation("conversation id must be a UUID"));
                if (x.request.method().equals("GET")) {
                    getConversation(x, conversationId);
                } else {
                    chat.deleteConversation(x.principal, conversationId);
                    x.send(204, Map.of(), new byte[0]);
                }
            }
        }
    }

    private void health(Exchange x) throws IOException {
        ObjectNode body = mapper.createObjectNode()
                .put("status", "ok")
                .put("mode", health.mode())
                .put("model", health.model())
                .put("region", health.region())
                .put("storage", health.storage())
                .put("version", health.version());
        health.bedrockEndpoint().ifPresent(endpoint -> body.put("bedrockEndpoint", endpoint));
        x.sendJson(200, body);
    }

    private void models(Exchange x) throws IOException {
        ModelCatalog catalog = chat.catalog();
        ObjectNode body = mapper.createObjectNode().put("default", catalog.defaultModelId());
        var models = body.putArray("models");
        for (ModelCatalog.Model model : catalog.models()) {
            models.addObject().put("id", model.id()).put("label", model.label());
        }
        x.sendJson(200, body);
    }

    private void getConversation(Exchange x, String conversationId) throws IOException {
        Conversation conversation = chat.conversation(x.principal, conversationId)
                .orElseThrow(() -> ChatException.notFound("No such conversation: it may have been deleted"));
        ObjectNode body = mapper.createObjectNode().put("conversationId", conversation.conversationId());
        var messages = body.putArray("messages");
        for (StoredMessage message : conversation.messages()) {
            messages.addObject()
                    .put("role", message.role())
                    .put("content", message.content())
                    .put("at", message.at());
        }
        x.sendJson(200, body);
    }

    private void chat(Exchange x) throws IOException {
        String contentType = x.request.header("Content-Type").orElse("");
        if (!isJson(contentType)) {
            throw new ChatException(
                    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "Send the chat request as JSON with the header 'Content-Type: application/json'");
        }
        byte[] body = RequestBodies.read(x.request.body(), x.request.contentLength(), MAX_BODY_BYTES);
        JsonNode json;
        try {
            json = mapper.readTree(body);
        } catch (IOException e) {
            throw ChatException.validation("The body is not valid JSON; send {\"message\":\"your question\"}");
        }
        if (json == null || !json.isObject()) {
            throw ChatException.validation("The body must be a JSON object such as {\"message\":\"your question\"}");
        }
        boolean streamed = x.request
                .header("Accept")
                .map(a -> a.toLowerCase(Locale.ROOT).contains("text/event-stream"))
                .orElse(false);
        var command = new ChatCommand(
                x.requestId,
                optionalText(json, "message").orElse(null),
                optionalText(json, "conversationId"),
                optionalText(json, "modelId"),
                streamed,
                x.request.timeLimit());
        x.streamed = streamed;
        if (streamed) {
            chatStream(x, command);
        } else {
            ChatResult result = chat.chat(x.principal, command, new TurnListener(x));
            x.record(result);
            ObjectNode answer = mapper.createObjectNode()
                    .put("conversationId", result.conversationId())
                    .put("reply", result.reply())
                    .put("model", result.modelId())
                    .put("stopReason", result.stopReason());
            answer.set("usage", usageJson(result.usage()));
            x.sendJson(200, answer);
        }
    }

    /**
     * The event stream (200) is committed only when the model's stream has opened: a failure before that (throttling,
     * access, a timeout before the first event) is answered with its own status and envelope, as for JSON.
     */
    private void chatStream(Exchange x, ChatCommand command) throws IOException {
        ChatResult result = chat.chat(x.principal, command, new TurnListener(x) {
            @Override
            public void started(String conversationId, String modelId) {
                x.startEvents();
                x.event(
                        "start",
                        mapper.createObjectNode()
                                .put("conversationId", conversationId)
                                .put("model", modelId));
            }

            @Override
            public void delta(String text) {
                x.event(null, mapper.createObjectNode().put("content", text));
            }

            @Override
            public void completed(ChatResult result) {
                ObjectNode done = mapper.createObjectNode()
                        .put("conversationId", result.conversationId())
                        .put("stopReason", result.stopReason());
                done.set("usage", usageJson(result.usage()));
                done.put("latencyMs", result.latencyMs());
                x.event("done", done);
            }
        });
        x.record(result);
        x.finishEvents();
    }

    private void staticFile(Exchange x) throws IOException {
        x.route = "static";
        x.allow("GET", "HEAD");
        if (staticFiles.isEmpty()) {
            throw ChatException.notFound("No page is served here (STATIC_DIR is not set); the API is under /api/");
        }
        StaticFiles.StaticFile file = staticFiles
                .get()
                .find(x.request.path())
                .orElseThrow(() -> ChatException.notFound("No such file: " + safePath(x.request.path())));
        var headers = new LinkedHashMap<String, String>();
        headers.put("Content-Type", file.contentType());
        headers.put("Cache-Control", file.cacheControl());
        if (x.request.method().equals("HEAD")) {
            headers.put("Content-Length", Integer.toString(file.content().length));
            x.send(200, headers, new byte[0]);
        } else {
            x.send(200, headers, file.content());
        }
    }

    private ObjectNode usageJson(Usage usage) {
        Usage u = usage == null ? Usage.NONE : usage;
        return mapper.createObjectNode().put("inputTokens", u.inputTokens()).put("outputTokens", u.outputTokens());
    }

    private static Optional<String> optionalText(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw ChatException.validation(field + " must be a string");
        }
        return Optional.of(value.asText());
    }

    private static boolean isJson(String contentType) {
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }

    private static String safePath(String path) {
        String shortened = path.length() > 100 ? path.substring(0, 100) + "…" : path;
        return shortened.replaceAll("[^A-Za-z0-9/._~%-]", "?");
    }

    private static String requestIdFor(ApiRequest request) {
        return request.header("x-request-id")
                .filter(id -> CLIENT_REQUEST_ID.matcher(id).matches())
                .or(() -> request.transportId()
                        .filter(id -> CLIENT_REQUEST_ID.matcher(id).matches()))
                .orElseGet(() -> UUID.randomUUID().toString());
    }

    /** Notes the model of the turn for the request's log line; a streamed answer adds its events. */
    private static class TurnListener implements ChatListener {
        private final Exchange x;

        TurnListener(Exchange x) {
            this.x = x;
        }

        @Override
        public void accepted(String conversationId, String modelId) {
            x.model = modelId;
        }
    }

    /** One request in flight: its sink, what has been sent, and what goes into its log line. */
    private final class Exchange {
        final ApiRequest request;
        final String requestId;
        final ResponseSink sink;
        final long startNanos = System.nanoTime();
        String route = "unmatched";
        String[] allowed = new String[0];
        Principal principal = Principal.ANONYMOUS;
        String model;
        boolean streamed;
        boolean clientClosed;
        Integer status;
        String errorCode;
        Throwable errorCause;
        ChatResult result;
        ResponseSink.EventSink events;

        Exchange(ApiRequest request, String requestId, ResponseSink sink) {
            this.request = request;
            this.requestId = requestId;
            this.sink = sink;
        }

        /** Declares the methods of the matched route; any other method is answered with 405. */
        void allow(String... methods) {
            allowed = methods;
            if (!Arrays.asList(methods).contains(request.method())) {
                throw new ChatException(
                        ErrorCode.METHOD_NOT_ALLOWED,
                        "Method " + request.method() + " is not allowed here; use " + String.join(" or ", methods));
            }
        }

        void record(ChatResult chatResult) {
            this.result = chatResult;
        }

        Map<String, String> baseHeaders() {
            var headers = new LinkedHashMap<String, String>();
            headers.put("x-request-id", requestId);
            headers.putAll(SecurityHeaders.local());
            return headers;
        }

        void send(int statusCode, Map<String, String> headers, byte[] body) throws IOException {
            var all = baseHeaders();
            if (route.startsWith("/api")) {
                all.put("Cache-Control", "no-store");
            }
            all.putAll(headers);
            status = statusCode;
            sink.send(statusCode, all, body);
        }

        void sendJson(int statusCode, JsonNode body) throws IOException {
            sendJson(statusCode, body, Map.of());
        }

        void sendJson(int statusCode, JsonNode body, Map<String, String> extraHeaders) throws IOException {
            var headers = new LinkedHashMap<String, String>();
            headers.put("Content-Type", ContentTypes.JSON);
            headers.putAll(extraHeaders);
            send(statusCode, headers, mapper.writeValueAsBytes(body));
        }

        void startEvents() {
            var headers = baseHeaders();
            headers.put("Content-Type", ContentTypes.EVENT_STREAM);
            headers.put("Cache-Control", "no-cache");
            headers.put("X-Accel-Buffering", "no");
            try {
                status = 200;
                events = sink.startEvents(headers);
            } catch (IOException e) {
                throw new ClientDisconnectedException(e);
            }
        }

        void event(String name, JsonNode data) {
            try {
                events.send(name, mapper.writeValueAsString(data));
            } catch (IOException e) {
                throw new ClientDisconnectedException(e);
            }
        }

        void finishEvents() throws IOException {
            events.send(null, "[DONE]");
            events.close();
        }

        /**
         * Answers with the error: as an error event when the event stream has started (its 200 is already sent),
         * otherwise as a JSON response with the error's own status.
         */
        void fail(ChatException e) {
            errorCode = e.code().code();
            if (e.code().status() >= 500) {
                errorCause = e.getCause();
            }
            ObjectNode envelope = mapper.createObjectNode();
            ObjectNode error = envelope.putObject("error")
                    .put("code", e.code().code())
                    .put("message", e.getMessage())
                    .put("requestId", requestId);
            e.retryAfterSeconds().ifPresent(seconds -> error.put("retryAfterSeconds", seconds));
            try {
                if (events != null) {
                    events.send("error", mapper.writeValueAsString(envelope));
                    finishEvents();
                    return;
                }
                if (status != null) {
                    return;
                }
                var headers = new LinkedHashMap<String, String>();
                switch (e.code()) {
                    case METHOD_NOT_ALLOWED -> headers.put("Allow", String.join(", ", allowed));
                    case UNAUTHORIZED -> headers.put("WWW-Authenticate", "Bearer realm=\"bedrock-chat\"");
                    case THROTTLED ->
                        e.retryAfterSeconds()
                                .ifPresent(seconds -> headers.put("Retry-After", Integer.toString(seconds)));
                    default -> {}
                }
                sendJson(e.code().status(), envelope, headers);
            } catch (JsonProcessingException impossible) {
                throw new IllegalStateException(impossible);
            } catch (IOException closed) {
                clientClosed = true;
            }
        }

        void logLine() {
            var line = new LinkedHashMap<String, Object>();
            line.put("requestId", requestId);
            line.put("method", request.method());
            line.put("route", route);
            line.put("status", status);
            line.put("latencyMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
            line.put("mode", chat.mode());
            line.put("principal", principal.kind());
            if (route.equals("/api/chat")) {
                line.put("streamed", streamed);
                line.put("model", model);
                if (result != null) {
                    line.put(
                            "inputTokens",
                            result.usage() == null ? null : result.usage().inputTokens());
                    line.put(
                            "outputTokens",
                            result.usage() == null ? null : result.usage().outputTokens());
                    line.put("stopReason", result.stopReason());
                    line.put("timeToFirstTokenMs", result.timeToFirstTokenMs());
                }
            }
            line.put("errorCode", errorCode);
            line.putAll(ServiceErrors.logFields(errorCause));
            if (clientClosed) {
                line.put("clientClosed", true);
            }
            log.info("request", line);
        }
    }
}
