package dev.bedrockchat.function.api;

import static dev.bedrockchat.function.api.Route.ANY;
import static dev.bedrockchat.function.api.Route.Access.OPEN;
import static dev.bedrockchat.function.api.Route.Access.TOKEN;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.chat.ChatService;
import dev.bedrockchat.function.chat.ClientDisconnectedException;
import dev.bedrockchat.function.chat.ErrorCode;
import dev.bedrockchat.function.chat.ModelCheck;
import dev.bedrockchat.function.chat.Principal;
import dev.bedrockchat.function.http.StaticFiles;
import dev.bedrockchat.function.log.JsonLog;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The HTTP API and the page, independent of the transport: routes an {@link ApiRequest} by its route table and
 * writes the answer to a {@link ResponseSink}. Both the local/Lambda Web Adapter server and the API Gateway handler
 * use this one router.
 *
 * <p>Every response carries {@code x-request-id} and the security headers; HEAD is answered wherever GET is (the same
 * status and headers, the GET body's Content-Length, no body); every error is the JSON envelope
 * {@code {"error":{"code","message","requestId"}}} with its status from {@link HttpError}; every request ends with one
 * structured log line, which for a 5xx error also carries the diagnostics its raiser attached (the cause's class and,
 * when AWS answered, its error code and request id).
 *
 * <p>The request id is the transport's own (API Gateway's request id) when it has one, else a new UUID. A client's
 * {@code x-request-id} never chooses it: it is logged as {@code clientRequestId}.
 */
public final class Api {
    /** The largest request body read; beyond it the answer is 413 and the rest is not read. */
    public static final int MAX_BODY_BYTES = 256 * 1024;

    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{8,64}");

    private final Routes routes;
    private final ChatService chat;
    private final Authenticator authenticator;
    private final ResponseBodies bodies;
    private final JsonLog log;
    private final ObjectMapper mapper;

    public Api(
            ChatService chat,
            ModelCheck check,
            HealthInfo health,
            Authenticator authenticator,
            Optional<StaticFiles> staticFiles,
            JsonLog log,
            ObjectMapper mapper) {
        this.chat = chat;
        this.authenticator = authenticator;
        this.bodies = new ResponseBodies(mapper);
        this.log = log;
        this.mapper = mapper;
        var healthHandler = new HealthHandler(health, check, bodies);
        var models = new ModelsHandler(chat.catalog(), bodies);
        var chatHandler = new ChatHandler(chat, bodies, mapper);
        var conversations = new ConversationsHandler(chat, bodies);
        var events = new EventsHandler(health.mode(), health.version(), bodies, mapper);
        var page = new PageHandler(staticFiles);
        // The whole HTTP surface. The first pattern that matches a path owns it; a GET row answers HEAD too.
        this.routes = Routes.builder()
                .route("GET", "/api/health", OPEN, healthHandler::get)
                .route("GET", "/api/models", TOKEN, models::list)
                .route("POST", "/api/chat", TOKEN, chatHandler::post)
                .route("GET", "/api/conversations/{conversationId}", TOKEN, conversations::get)
                .route("DELETE", "/api/conversations/{conversationId}", TOKEN, conversations::delete)
                .route(ANY, "/api/**", TOKEN, Api::noSuchRoute)
                .route("POST", "/events", OPEN, events::post)
                .route("GET", "/**", OPEN, page::file)
                .build();
    }

    /** The route table, for the check that openapi.yaml describes every route. */
    Routes routes() {
        return routes;
    }

    /** Handles one request completely; never throws. */
    public void handle(ApiRequest request, ResponseSink sink) {
        Exchange x = exchange(request, sink);
        try {
            dispatch(x);
        } catch (ChatException e) {
            if (e.code() == ErrorCode.INTERNAL_ERROR && e.getCause() != null) {
                logUnexpected(x, e.getCause());
            }
            x.fail(Failure.of(e));
        } catch (ApiException e) {
            x.fail(Failure.of(e));
        } catch (Rejection e) {
            // The transport could not read the request (its body stalled or broke off): answer what it found.
            x.fail(Failure.of(e));
        } catch (ClientDisconnectedException | IOException e) {
            // The response could not be written: the client has gone.
            x.clientClosed();
        } catch (RuntimeException e) {
            logUnexpected(x, e);
            x.fail(Failure.of(ChatException.internal(e)));
        } finally {
            log.info(x.logType(), x.logLine(chat.mode()));
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
        reject(request, new Rejection(HttpError.VALIDATION_ERROR, message), sink);
    }

    /**
     * Answers a request its transport refused before the API could route it (malformed, too large, too slow, a server
     * without room for it) with the error's envelope, the usual headers and the log line; never throws. Its request
     * id follows the same rule as any other: the transport's, else a new UUID; a client's {@code x-request-id}, when
     * it was read, is logged as {@code clientRequestId}.
     *
     * @param request what the transport could read of it (method and path when it got that far, the header fields
     *     read before the refusal), with an empty body
     */
    public void reject(ApiRequest request, Rejection rejection, ResponseSink sink) {
        Exchange x = exchange(request, sink);
        try {
            x.fail(Failure.of(rejection));
        } finally {
            log.info(x.logType(), x.logLine(chat.mode()));
        }
    }

    /**
     * A request the transport refuses: its row of the error table, what to send instead, and for a server without
     * room when to come back. An {@link IOException}, as the transport raises it while the API reads the request's
     * body.
     */
    public static final class Rejection extends IOException {
        private final HttpError error;
        private final OptionalInt retryAfterSeconds;

        public Rejection(HttpError error, String message) {
            this(error, message, OptionalInt.empty());
        }

        /** @param retryAfterSeconds the {@code Retry-After} of the answer (with {@link HttpError#SERVER_BUSY}) */
        public Rejection(HttpError error, String message, OptionalInt retryAfterSeconds) {
            super(message);
            this.error = error;
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public HttpError error() {
            return error;
        }

        public OptionalInt retryAfterSeconds() {
            return retryAfterSeconds;
        }

        public int status() {
            return error.status();
        }

        public String code() {
            return error.code();
        }
    }

    private Exchange exchange(ApiRequest request, ResponseSink sink) {
        String requestId = request.transportId()
                .filter(id -> REQUEST_ID.matcher(id).matches())
                .orElseGet(() -> UUID.randomUUID().toString());
        var x = new Exchange(request, requestId, sink, bodies, mapper);
        // What the client calls the request, for finding it in the logs; it never becomes the request's id.
        request.header("x-request-id")
                .filter(id -> REQUEST_ID.matcher(id).matches())
                .ifPresent(id -> x.log("clientRequestId", id));
        return x;
    }

    private void dispatch(Exchange x) throws IOException {
        switch (routes.match(x.request().method(), x.request().path())) {
            case Routes.Match.Found found -> {
                x.matched(found.route().path().template(), found.parameters());
                x.identified(principal(x, found.route().access()));
                found.route().handler().handle(x);
            }
            case Routes.Match.WrongMethod wrong -> {
                x.matched(wrong.template(), Map.of());
                x.identified(principal(x, wrong.access()));
                throw ApiException.methodNotAllowed(x.request().method(), wrong.allowed());
            }
            case Routes.Match.NoRoute none -> noSuchRoute(x);
        }
    }

    private Principal principal(Exchange x, Route.Access access) {
        return access == OPEN ? authenticator.identify(x.request()) : authenticator.authenticate(x.request());
    }

    private static void noSuchRoute(Exchange x) {
        throw ChatException.notFound(
                "No API route " + safePath(x.request().path()) + "; see the API description (openapi.yaml)");
    }

    /** For the operators only: what failed and where (never sent to the client). */
    private void logUnexpected(Exchange x, Throwable e) {
        var line = new LinkedHashMap<String, Object>();
        line.put("requestId", x.requestId());
        line.put("route", x.route());
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

    /** A request path as it may be quoted back: shortened, and reduced to harmless characters. */
    static String safePath(String path) {
        String shortened = path.length() > 100 ? path.substring(0, 100) + "…" : path;
        return shortened.replaceAll("[^A-Za-z0-9/._~%-]", "?");
    }
}
