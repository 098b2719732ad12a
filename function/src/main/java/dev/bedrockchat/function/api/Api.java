package dev.bedrockchat.function.api;

import static dev.bedrockchat.function.api.Route.ANY;
import static dev.bedrockchat.function.api.Route.Access.OPEN;
import static dev.bedrockchat.function.api.Route.Access.PROGRAM;
import static dev.bedrockchat.function.api.Route.Access.SIGNED_IN;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.api.openai.OpenAiInvalidRequest;
import dev.bedrockchat.function.auth.AuthenticationFailed;
import dev.bedrockchat.function.auth.Caller;
import dev.bedrockchat.function.auth.Credentials;
import dev.bedrockchat.function.auth.OriginCheck;
import dev.bedrockchat.function.auth.ProgramCallers;
import dev.bedrockchat.function.auth.SignIn;
import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.chat.ChatService;
import dev.bedrockchat.function.chat.ClientDisconnectedException;
import dev.bedrockchat.function.chat.CompletionService;
import dev.bedrockchat.function.chat.ErrorCode;
import dev.bedrockchat.function.chat.ModelCheck;
import dev.bedrockchat.function.http.SecurityHeaders;
import dev.bedrockchat.function.http.StaticFiles;
import dev.bedrockchat.function.keys.ApiKeys;
import dev.bedrockchat.function.log.JsonLog;
import java.io.IOException;
import java.time.Clock;
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
 *
 * <p>Sign-in ({@link SignIn}): a route open to anyone still identifies a signed-in caller; every other route answers
 * 401 (with the failed check as {@code reason} and {@code WWW-Authenticate}) to a caller who is not signed in. Before
 * any route, the one way in: with an origin secret configured, a request without {@code X-Origin-Verify: <secret>} is
 * answered 403, except {@code GET|HEAD /api/health} (for smoke tests), the function's own Lambda events, the Lambda
 * Web Adapter's SnapStart hooks ({@link SnapshotHooks}), and with IAM authorization of {@code /v1} the {@code /v1}
 * requests API Gateway verified (programs call API Gateway directly).
 *
 * <p>The OpenAI-compatible API ({@code /v1}) answers its errors in the OpenAI API's shape
 * {@code {"error":{"message","type","param","code"}}}, from the same error table ({@link ProgramCallers} says who may
 * call it).
 */
public final class Api {
    /** The largest request body read; beyond it the answer is 413 and the rest is not read. */
    public static final int MAX_BODY_BYTES = 256 * 1024;

    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{8,64}");

    private final Routes routes;
    private final ChatService chat;
    private final SignIn signIn;
    private final ProgramCallers programs;
    private final Map<String, String> securityHeaders;
    private final ResponseBodies bodies;
    private final JsonLog log;
    private final ObjectMapper mapper;
    private final SnapshotHandler snapshots;

    /**
     * @param completions the stateless completions of {@code /v1}
     * @param keys        the people's API keys ({@code oidc} mode)
     * @param programs    who may call {@code /v1}
     */
    public Api(
            ChatService chat,
            CompletionService completions,
            ModelCheck check,
            HealthInfo health,
            SignIn signIn,
            Optional<ApiKeys> keys,
            ProgramCallers programs,
            Optional<StaticFiles> staticFiles,
            JsonLog log,
            ObjectMapper mapper) {
        this(chat, completions, check, health, signIn, keys, programs, staticFiles, log, mapper, SnapshotHooks.NONE);
    }

    /** @param snapshots the SnapStart hooks the Lambda Web Adapter calls ({@link SnapshotHooks#NONE}: none) */
    public Api(
            ChatService chat,
            CompletionService completions,
            ModelCheck check,
            HealthInfo health,
            SignIn signIn,
            Optional<ApiKeys> keys,
            ProgramCallers programs,
            Optional<StaticFiles> staticFiles,
            JsonLog log,
            ObjectMapper mapper,
            SnapshotHooks snapshots) {
        this.chat = chat;
        this.signIn = signIn;
        this.programs = programs;
        this.securityHeaders = SecurityHeaders.local(signIn.connectOrigins());
        this.bodies = new ResponseBodies(mapper);
        this.log = log;
        this.mapper = mapper;
        var healthHandler = new HealthHandler(health, check, bodies);
        var models = new ModelsHandler(chat.catalog(), bodies);
        var chatHandler = new ChatHandler(chat, bodies, mapper);
        var conversations = new ConversationsHandler(chat, bodies, mapper, Clock.systemUTC());
        var events = new EventsHandler(health.mode(), health.version(), bodies, mapper);
        var page = new PageHandler(staticFiles);
        var account = new SignInHandler(signIn, bodies);
        var usage = new UsageHandler(chat.meter(), bodies);
        this.snapshots = new SnapshotHandler(snapshots, bodies);
        var apiKeys = new KeysHandler(keys, signIn.mode(), bodies, mapper);
        var openAi = new OpenAiHandler(completions, mapper, Clock.systemUTC());
        // The whole HTTP surface. The first pattern that matches a path owns it; a GET row answers HEAD too.
        this.routes = Routes.builder()
                .route("GET", "/api/health", OPEN, healthHandler::get)
                .route("GET", "/api/auth/config", OPEN, account::config)
                .route("GET", "/api/me", SIGNED_IN, account::me)
                .route("GET", "/api/models", SIGNED_IN, models::list)
                .route("POST", "/api/chat", SIGNED_IN, chatHandler::post)
                .route("GET", "/api/usage", SIGNED_IN, usage::get)
                // The caller's own conversations (another person's are never found).
                .route("GET", "/api/conversations", SIGNED_IN, conversations::list)
                .route("DELETE", "/api/conversations", SIGNED_IN, conversations::deleteAll)
                .route("GET", "/api/conversations/{conversationId}", SIGNED_IN, conversations::get)
                .route("PATCH", "/api/conversations/{conversationId}", SIGNED_IN, conversations::rename)
                .route("DELETE", "/api/conversations/{conversationId}", SIGNED_IN, conversations::delete)
                .route("GET", "/api/conversations/{conversationId}/export", SIGNED_IN, conversations::export)
                // A person's API keys for programs (oidc mode).
                .route("GET", "/api/keys", SIGNED_IN, apiKeys::list)
                .route("POST", "/api/keys", SIGNED_IN, apiKeys::create)
                .route("DELETE", "/api/keys/{keyId}", SIGNED_IN, apiKeys::revoke)
                .route(ANY, "/api/**", SIGNED_IN, Api::noSuchRoute)
                // The OpenAI-compatible API for programs.
                .route("GET", "/v1/models", PROGRAM, openAi::models)
                .route("POST", "/v1/chat/completions", PROGRAM, openAi::completions)
                .route(ANY, "/v1/**", PROGRAM, Api::noSuchRoute)
                .route("POST", "/events", OPEN, events::post)
                // The Lambda Web Adapter's SnapStart hooks: its own calls only, never through API Gateway.
                .route("POST", SnapshotHooks.BEFORE_CHECKPOINT_PATH, OPEN, this.snapshots::beforeCheckpoint)
                .route("POST", SnapshotHooks.AFTER_RESTORE_PATH, OPEN, this.snapshots::afterRestore)
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
        } catch (OpenAiInvalidRequest e) {
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
        var x = new Exchange(request, requestId, sink, bodies, mapper, securityHeaders);
        // What the client calls the request, for finding it in the logs; it never becomes the request's id.
        request.header("x-request-id")
                .filter(id -> REQUEST_ID.matcher(id).matches())
                .ifPresent(id -> x.log("clientRequestId", id));
        return x;
    }

    private void dispatch(Exchange x) throws IOException {
        checkTheWayIn(x);
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

    /**
     * The one way in: 403 for a request without the origin secret, unless it is {@code GET|HEAD /api/health} or one
     * of the function's own Lambda events. The log line says the header was missing or wrong, never its value.
     */
    private void checkTheWayIn(Exchange x) {
        OriginCheck check = signIn.originCheck();
        ApiRequest request = x.request();
        boolean ownEvent = (request.gateway().invocationEvent()
                        && request.method().equals("POST")
                        && request.path().equals("/events"))
                || snapshots.admits(request);
        if (!check.enabled() || ownEvent) {
            return;
        }
        boolean health = request.path().equals("/api/health")
                && (request.method().equals("GET") || request.method().equals("HEAD"));
        if (health) {
            return;
        }
        if (Exchange.isOpenAiPath(request.path())
                && programs.signedByIam(request.gateway().iamUserArn())) {
            // API Gateway verified the caller's signature: programs call it directly, not through CloudFront.
            x.log("iamAuth", true);
            return;
        }
        OriginCheck.Verdict verdict = check.check(request.header(OriginCheck.HEADER));
        if (verdict != OriginCheck.Verdict.ADMITTED) {
            x.log("originVerify", verdict == OriginCheck.Verdict.MISSING ? "missing" : "mismatch");
            throw new ApiException(
                    HttpError.FORBIDDEN,
                    "This API is reached only through the deployment's own address (its CloudFront distribution), "
                            + "not directly");
        }
    }

    private Caller principal(Exchange x, Route.Access access) {
        Credentials credentials =
                Credentials.of(x.request()::header, x.request().gateway().authorizerClaims());
        if (access == OPEN) {
            return signIn.authenticator().identify(credentials);
        }
        try {
            if (access == PROGRAM) {
                return programs.authenticate(credentials, x.request().gateway().iamUserArn());
            }
            return signIn.authenticator().authenticate(credentials);
        } catch (AuthenticationFailed e) {
            throw ApiException.unauthorized(e);
        }
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
