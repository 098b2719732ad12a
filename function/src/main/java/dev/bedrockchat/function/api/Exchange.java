package dev.bedrockchat.function.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.api.openai.OpenAiErrors;
import dev.bedrockchat.function.auth.Caller;
import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.chat.ClientDisconnectedException;
import dev.bedrockchat.function.chat.Principal;
import dev.bedrockchat.function.http.ContentTypes;
import dev.bedrockchat.function.http.PercentDecoding;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One request in flight: the request, its id, the route that answers it, the sink its answer goes to, what has been
 * sent, and what goes into its log line. A HEAD request's sink drops every body and declares its length instead.
 */
final class Exchange {
    private final ApiRequest request;
    private final String requestId;
    private final ResponseSink sink;
    private final ResponseBodies bodies;
    private final ObjectMapper mapper;
    private final Map<String, String> securityHeaders;
    private final boolean openAi;
    private final long startNanos = System.nanoTime();
    private final Map<String, Object> logFields = new LinkedHashMap<>();
    private String route = "unmatched";
    private Map<String, String> pathParameters = Map.of();
    private Caller caller = Caller.ANONYMOUS;
    private String logType = "request";
    private boolean clientClosed;
    private Integer status;
    private Failure failure;
    private ResponseSink.EventSink events;

    /**
     * @param securityHeaders the headers every response carries (the page's security headers)
     */
    Exchange(
            ApiRequest request,
            String requestId,
            ResponseSink sink,
            ResponseBodies bodies,
            ObjectMapper mapper,
            Map<String, String> securityHeaders) {
        this.request = request;
        this.requestId = requestId;
        this.sink = request.method().equals("HEAD") ? new HeadSink(sink) : sink;
        this.bodies = bodies;
        this.mapper = mapper;
        this.securityHeaders = securityHeaders;
        this.openAi = isOpenAiPath(request.path());
    }

    /** Whether a path belongs to the OpenAI-compatible API ({@code /v1}), whose errors take the OpenAI shape. */
    static boolean isOpenAiPath(String path) {
        return path.equals("/v1") || path.startsWith("/v1/");
    }

    ApiRequest request() {
        return request;
    }

    String requestId() {
        return requestId;
    }

    /** The principal that owns the request's data. */
    Principal principal() {
        return caller.principal();
    }

    /**
     * Whose quota and usage counters the request counts against: the signed-in principal, or where nobody signs in
     * (the anonymous principal) the client's address, as principal {@code ip} (its key is a hash: no address is
     * stored in the clear). A client whose address is unknown counts as one person, {@code unknown}.
     */
    Principal meteredPerson() {
        Principal principal = caller.principal();
        if (!principal.equals(Principal.ANONYMOUS)) {
            return principal;
        }
        return new Principal("ip", request.gateway().sourceIp().orElse("unknown"));
    }

    /** Who is signed in, with what is shown of them. */
    Caller caller() {
        return caller;
    }

    String route() {
        return route;
    }

    /** The route that answers, as its path pattern (the log line's {@code route}) and the path's parameters. */
    void matched(String template, Map<String, String> parameters) {
        this.route = template;
        this.pathParameters = parameters;
    }

    void identified(Caller who) {
        this.caller = who;
    }

    /**
     * A path parameter of the route, percent-decoded.
     *
     * @throws ChatException ValidationError when its escapes or the UTF-8 they encode are malformed
     */
    String pathParameter(String name) {
        String raw = pathParameters.get(name);
        if (raw == null) {
            throw new IllegalStateException("The route " + route + " has no parameter " + name);
        }
        return PercentDecoding.decode(raw)
                .orElseThrow(() -> ChatException.validation(name + " is not valid percent-encoded UTF-8"));
    }

    /** Adds a field to the request's log line (a null value is left out). */
    void log(String field, Object value) {
        logFields.put(field, value);
    }

    /** Writes the log line as this type instead of {@code request}. */
    void logAs(String type) {
        this.logType = type;
    }

    String logType() {
        return logType;
    }

    void clientClosed() {
        clientClosed = true;
    }

    void send(int statusCode, Map<String, String> headers, byte[] body) throws IOException {
        var all = baseHeaders();
        if (openAi || route.startsWith("/api")) {
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

    /** Commits a 200 event stream. */
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
    void fail(Failure error) {
        failure = error;
        JsonNode envelope = openAi ? openAiError(error) : bodies.error(error, requestId);
        try {
            if (events != null) {
                // An OpenAI client reads an error inside a stream as an unnamed event carrying {"error":…}.
                events.send(openAi ? null : "error", mapper.writeValueAsString(envelope));
                finishEvents();
                return;
            }
            if (status != null) {
                return;
            }
            int errorStatus = openAi
                    ? OpenAiErrors.status(error.error().code(), error.error().status())
                    : error.error().status();
            sendJson(errorStatus, envelope, error.headers());
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        } catch (IOException closed) {
            clientClosed = true;
        }
    }

    /** A failure in the OpenAI API's shape, from the same error table (the request id is in {@code x-request-id}). */
    private JsonNode openAiError(Failure error) {
        String code = error.error().code();
        return OpenAiErrors.envelope(
                mapper,
                OpenAiErrors.status(code, error.error().status()),
                error.message(),
                error.param().or(() -> OpenAiErrors.param(code)),
                error.openAiCode().orElseGet(() -> OpenAiErrors.code(code)));
    }

    /**
     * The request's log line: who, what, how it ended, the fields its handler added, and for a 5xx error the
     * diagnostics its raiser attached. Never the message text.
     */
    Map<String, Object> logLine(String mode) {
        var line = new LinkedHashMap<String, Object>();
        line.put("requestId", requestId);
        line.put("method", request.method());
        line.put("route", route);
        line.put("status", status);
        line.put("latencyMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        line.put("mode", mode);
        line.put("principal", caller.principal().kind());
        line.putAll(logFields);
        if (failure != null) {
            line.put("errorCode", failure.error().code());
            failure.reason().ifPresent(reason -> line.put("errorReason", reason));
            failure.param().ifPresent(param -> line.put("errorParam", param));
            if (failure.error().status() >= 500) {
                line.putAll(failure.diagnostics());
            }
        }
        if (clientClosed) {
            line.put("clientClosed", true);
        }
        return line;
    }

    private Map<String, String> baseHeaders() {
        var headers = new LinkedHashMap<String, String>();
        headers.put("x-request-id", requestId);
        headers.putAll(securityHeaders);
        return headers;
    }

    /**
     * The sink of a HEAD request: the answer of the GET, with the length of its body and without the body. (No GET
     * route streams; should one, its head goes out without length and its events are dropped.)
     */
    private static final class HeadSink implements ResponseSink {
        private final ResponseSink target;

        HeadSink(ResponseSink target) {
            this.target = target;
        }

        @Override
        public void send(int status, Map<String, String> headers, byte[] body) throws IOException {
            var head = new LinkedHashMap<>(headers);
            head.put("Content-Length", Integer.toString(body.length));
            target.send(status, head, new byte[0]);
        }

        @Override
        public EventSink startEvents(Map<String, String> headers) throws IOException {
            target.send(200, headers, new byte[0]);
            return new EventSink() {
                @Override
                public void send(String event, String data) {}

                @Override
                public void close() {}
            };
        }
    }
}
