package dev.bedrockchat.function.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.eventstream.HeaderValue;
import software.amazon.awssdk.eventstream.Message;

/**
 * A local stand-in for the Amazon Bedrock Runtime API, for tests: it speaks the real wire protocol, so the real AWS
 * SDK talks to it unchanged (endpoint override {@link #endpoint()}).
 *
 * <ul>
 *   <li>{@code POST /model/{modelId}/converse}: rest-json answer, or a Bedrock error response ({@code x-amzn-ErrorType}
 *       header and {@code {"message":…}} body).</li>
 *   <li>{@code POST /model/{modelId}/converse-stream}: {@code application/vnd.amazon.eventstream} frames
 *       {@code messageStart}, {@code contentBlockDelta}…, {@code contentBlockStop}, {@code messageStop},
 *       {@code metadata}; an in-stream failure is a frame with {@code :message-type exception}.</li>
 * </ul>
 *
 * <p>Behaviour is chosen by a keyword in the last user message:
 * <table>
 *   <caption>Keywords</caption>
 *   <tr><td>(none)</td><td>"Stub reply to: &lt;message&gt;", streamed in several deltas ~20 ms apart</td></tr>
 *   <tr><td>[slow]</td><td>a long reply of 60 deltas, 150 ms apart</td></tr>
 *   <tr><td>[cached]</td><td>the default reply, with a fixed usage that includes prompt-cache tokens
 *       ({@link #CACHED_USAGE}: 1000 input, 500 output, 2000 cache-read, 400 cache-write)</td></tr>
 *   <tr><td>[burst]</td><td>"Stub reply to: &lt;message&gt;", every delta at once (a model that answers at once)</td></tr>
 *   <tr><td>[markdown]</td><td>a heading, a list, a table and a fenced code block</td></tr>
 *   <tr><td>[xss]</td><td>an {@code <img onerror>} and a {@code <script>} in the text</td></tr>
 *   <tr><td>[gated]</td><td>one delta, then waits for {@link #releaseGate()} before the rest</td></tr>
 *   <tr><td>[held-end]</td><td>the default reply at once, every event up to {@code metadata} included; then waits
 *       for {@link #releaseGate()} before it ends the response</td></tr>
 *   <tr><td>[throttle]</td><td>ThrottlingException, HTTP 429, on every attempt</td></tr>
 *   <tr><td>[denied]</td><td>AccessDeniedException, 403: the account has no access to the model</td></tr>
 *   <tr><td>[marketplace]</td><td>AccessDeniedException, 403: the model's AWS Marketplace subscription is missing</td></tr>
 *   <tr><td>[notauthorized]</td><td>AccessDeniedException, 403: the role is not allowed bedrock:InvokeModel</td></tr>
 *   <tr><td>[explicitdeny]</td><td>AccessDeniedException, 403: an explicit deny blocks the action</td></tr>
 *   <tr><td>[expired]</td><td>ExpiredTokenException, 403: the credentials' session has expired</td></tr>
 *   <tr><td>[unrecognized]</td><td>UnrecognizedClientException, 403: an unknown access key</td></tr>
 *   <tr><td>[badsignature]</td><td>InvalidSignatureException, 403: a wrong secret key</td></tr>
 *   <tr><td>[badtokenid]</td><td>InvalidClientTokenId, 403: an invalid security token</td></tr>
 *   <tr><td>[clockskew]</td><td>InvalidSignatureException, 403: "Signature expired: …" (the clock is off)</td></tr>
 *   <tr><td>[notfound]</td><td>ResourceNotFoundException, 404</td></tr>
 *   <tr><td>[usecase]</td><td>ResourceNotFoundException, 404: Anthropic's use-case form was not submitted</td></tr>
 *   <tr><td>[validation]</td><td>ValidationException, 400: "The provided model identifier is invalid."</td></tr>
 *   <tr><td>[ondemand]</td><td>ValidationException, 400: on-demand throughput isn’t supported (typographic
 *       apostrophe, as Bedrock writes it); {@code [ondemand-ascii]} the same with a straight one</td></tr>
 *   <tr><td>[modelerror]</td><td>ModelErrorException, 424</td></tr>
 *   <tr><td>[internal]</td><td>InternalServerException, 500 (retried by the SDK)</td></tr>
 *   <tr><td>[unavailable]</td><td>ServiceUnavailableException, 503 (retried by the SDK)</td></tr>
 *   <tr><td>[notready]</td><td>ModelNotReadyException, 429</td></tr>
 *   <tr><td>[modeltimeout]</td><td>ModelTimeoutException, 408</td></tr>
 *   <tr><td>[unexpected]</td><td>an error type the SDK does not know, 418</td></tr>
 *   <tr><td>[error:NNN]</td><td>an error type the SDK does not know ({@code UnmodeledFailureException}), with the
 *       HTTP status NNN (e.g. {@code [error:503]})</td></tr>
 *   <tr><td>[garbled]</td><td>status 200 with a body that is neither JSON nor event-stream frames</td></tr>
 *   <tr><td>[midstream]</td><td>stream: two deltas, then a modelStreamErrorException event (Converse: normal reply)</td></tr>
 *   <tr><td>[cut]</td><td>stream: two deltas, then the TCP connection is dropped mid-body; Converse: half the reply's
 *       body, then the same (on every attempt)</td></tr>
 *   <tr><td>[hang]</td><td>no answer for ten minutes (or until closed): for timeouts</td></tr>
 *   <tr><td>[together:N]</td><td>Converse: waits (up to ten seconds) until N requests carrying it are in flight,
 *       then answers; for showing that calls run in parallel</td></tr>
 * </table>
 *
 * <p>A switch, {@link #script(String, String)}, answers every request for one model id as if its last user message
 * carried a keyword: for callers whose message is fixed (the function's Bedrock check).
 *
 * <p>Error responses are Bedrock's wire format: the {@code x-amzn-ErrorType} header, a {@code {"message":…}} body, an
 * {@code x-amzn-RequestId}, and the status Bedrock uses (403 for credential and access failures, 400 for validation,
 * 404 for an unknown model and the missing use-case form).
 *
 * <p>Every request is recorded ({@link #requests()}), retries included, for assertions on what the SDK sent (the
 * benchmark turns that off, {@link #recordRequests(boolean)}). With {@link #recordTimings(boolean)} on, the moments
 * the first and the last delta of each stream left are kept by the stream's last user message ({@link #timing}).
 */
public final class BedrockRuntimeStub implements AutoCloseable {
    private static final Pattern ROUTE = Pattern.compile("/model/([^/]+)/(converse|converse-stream)");
    private static final Pattern ERROR_STATUS = Pattern.compile("\\[error:([1-5]\\d\\d)]");
    private static final Pattern TOGETHER = Pattern.compile("\\[together:([1-9])]");
    private static final String ERROR_TYPE_SUFFIX = ":http://internal.amazon.com/coral/com.amazon.bedrock/";
    /** Authentication errors come from the service framework, not from Bedrock itself. */
    private static final String AUTH_ERROR_TYPE_SUFFIX = ":http://internal.amazon.com/coral/com.amazon.coral.service/";

    private static final String ROLE = "arn:aws:sts::123456789012:assumed-role/Chat-Dev-Function/chat-dev";
    private static final long DEFAULT_GAP_MS = 20;
    /** The usage {@code [cached]} reports: input, output, cache-read and cache-write tokens. */
    public static final int[] CACHED_USAGE = {1000, 500, 2000, 400};

    private static final long SLOW_GAP_MS = 150;

    /** One request received, as the SDK sent it. */
    public record RecordedRequest(String operation, String modelId, JsonNode body, Map<String, List<String>> headers) {
        /** The text of the last user message. */
        public String lastUserMessage() {
            return BedrockRuntimeStub.lastUserMessage(body);
        }

        /** The system prompt text (all system blocks joined), or an empty string. */
        public String systemPrompt() {
            var text = new StringBuilder();
            body.path("system").forEach(block -> text.append(block.path("text").asText("")));
            return text.toString();
        }

        /** The messages sent, as {@code role: text} lines, oldest first. */
        public List<String> conversation() {
            var lines = new ArrayList<String>();
            body.path("messages").forEach(message -> {
                var text = new StringBuilder();
                message.path("content")
                        .forEach(block -> text.append(block.path("text").asText("")));
                lines.add(message.path("role").asText() + ": " + text);
            });
            return lines;
        }

        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream())
                    .findFirst()
                    .orElse(null);
        }
    }

    private record Failure(int status, String type, String message, String typeSuffix) {
        Failure(int status, String type, String message) {
            this(status, type, message, ERROR_TYPE_SUFFIX);
        }
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final Semaphore gate = new Semaphore(0);
    private final Map<String, String> scripts = new ConcurrentHashMap<>();
    private final Map<Integer, CountDownLatch> gatherings = new ConcurrentHashMap<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Map<String, StreamTiming> timings = new ConcurrentHashMap<>();
    private volatile boolean recording = true;
    private volatile boolean timing;
    private final HttpServer server;
    private final ExecutorService executor;

    private BedrockRuntimeStub(int port) throws IOException {
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try {
                handle(exchange);
            } catch (ConnectionCut cut) {
                // Thrown on before the exchange is closed: the server drops the connection, mid-answer.
                throw cut;
            } catch (IOException | RuntimeException e) {
                // The client went away (a cancelled stream, a timeout): nothing to answer.
            }
            exchange.close();
        });
        server.start();
    }

    /** Starts the stub on a random loopback port. */
    public static BedrockRuntimeStub start() throws IOException {
        return new BedrockRuntimeStub(0);
    }

    /** Starts the stub on the given loopback port (0: random). */
    public static BedrockRuntimeStub start(int port) throws IOException {
        return new BedrockRuntimeStub(port);
    }

    /** Runs the stub as a process: {@code BEDROCK_STUB_PORT=<port>} is printed once it listens. */
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        BedrockRuntimeStub stub = start(port);
        stub.recordRequests(false); // nothing in another process can ask for them, and they would fill its memory
        Runtime.getRuntime().addShutdownHook(new Thread(stub::close, "stub-shutdown"));
        System.out.println("BEDROCK_STUB_PORT=" + stub.port());
        System.out.flush();
        stub.closed.await();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The endpoint to give the SDK (endpointOverride, or AWS_ENDPOINT_URL_BEDROCK_RUNTIME). */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** Every request received so far, oldest first. */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    public RecordedRequest lastRequest() {
        if (requests.isEmpty()) {
            throw new IllegalStateException("The stub has received no request");
        }
        return requests.getLast();
    }

    /** Forgets the requests received so far. */
    public void clear() {
        requests.clear();
    }

    /**
     * Answers every later request for {@code modelId} as if its last user message carried {@code keyword} (such as
     * {@code [denied]}); {@code null} ends the script.
     */
    public void script(String modelId, String keyword) {
        if (keyword == null) {
            scripts.remove(modelId);
        } else {
            scripts.put(modelId, keyword.toLowerCase(Locale.ROOT));
        }
    }

    /** Ends every {@link #script}. */
    public void clearScripts() {
        scripts.clear();
    }

    /**
     * When a stream's first and its last {@code contentBlockDelta} frame were flushed to the socket, in
     * {@link System#nanoTime()} of this process.
     */
    public record StreamTiming(long firstDeltaNanos, long lastDeltaNanos) {}

    /** Whether requests are kept for {@link #requests()} (on by default; off for long benchmark runs). */
    public void recordRequests(boolean on) {
        recording = on;
    }

    /** Whether each stream's {@link StreamTiming} is kept (off by default). */
    public void recordTimings(boolean on) {
        timing = on;
    }

    /** The timing of the stream whose last user message was {@code message}, taken out of the record. */
    public Optional<StreamTiming> timing(String message) {
        return Optional.ofNullable(timings.remove(message));
    }

    /** Whether a {@code [gated]} or {@code [held-end]} stream is waiting for {@link #releaseGate()} now. */
    public boolean holding() {
        return gate.hasQueuedThreads();
    }

    /** Lets one waiting {@code [gated]} stream send the rest of its reply. */
    public void releaseGate() {
        gate.release();
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        Matcher route = ROUTE.matcher(exchange.getRequestURI().getPath());
        if (!exchange.getRequestMethod().equals("POST") || !route.matches()) {
            sendError(exchange, new Failure(404, "UnknownOperationException", "Unknown operation"));
            return;
        }
        String modelId = route.group(1);
        boolean streaming = route.group(2).equals("converse-stream");
        JsonNode body = mapper.readTree(exchange.getRequestBody().readAllBytes());
        var headers = new LinkedHashMap<String, List<String>>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
        if (recording) {
            requests.add(new RecordedRequest(route.group(2), modelId, body, headers));
        }

        String message = lastUserMessage(body);
        String keyword = scripts.getOrDefault(modelId, keyword(message));
        Matcher together = TOGETHER.matcher(keyword);
        if (together.matches()) {
            gather(Integer.parseInt(together.group(1)));
        }
        if (keyword.equals("[hang]")) {
            awaitClose(TimeUnit.MINUTES.toMillis(10));
            return;
        }
        Failure failure = failureFor(keyword);
        if (failure != null) {
            sendError(exchange, failure);
            return;
        }
        if (keyword.equals("[garbled]")) {
            byte[] garbage = "<html>502 Bad Gateway</html>\n".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders()
                    .set("Content-Type", streaming ? "application/vnd.amazon.eventstream" : "application/json");
            exchange.sendResponseHeaders(200, garbage.length);
            exchange.getResponseBody().write(garbage);
            return;
        }
        List<String> deltas = replyFor(keyword, message);
        int inputTokens = Math.max(1, (body.toString().length() + 3) / 4);
        if (streaming) {
            stream(exchange, keyword, message, deltas, inputTokens);
        } else {
            converse(exchange, keyword, String.join("", deltas), deltas.size(), inputTokens);
        }
    }

    private void converse(HttpExchange exchange, String keyword, String text, int outputTokens, int inputTokens)
            throws IOException {
        boolean cut = keyword.equals("[cut]");
        ObjectNode response = mapper.createObjectNode();
        response.putObject("output")
                .putObject("message")
                .put("role", "assistant")
                .putArray("content")
                .addObject()
                .put("text", text);
        response.put("stopReason", "end_turn");
        response.set("usage", usage(keyword, inputTokens, outputTokens));
        response.putObject("metrics").put("latencyMs", 42);
        byte[] bytes = mapper.writeValueAsBytes(response);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        if (cut) {
            // Declares the whole answer, sends half of it, then drops the connection.
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes, 0, bytes.length / 2);
            exchange.getResponseBody().flush();
            throw new ConnectionCut();
        }
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private void stream(HttpExchange exchange, String keyword, String message, List<String> deltas, int inputTokens)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/vnd.amazon.eventstream");
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        // A stream that will be cut declares a length it never reaches, so that dropping the connection is not
        // taken for the end of a chunked body.
        exchange.sendResponseHeaders(200, keyword.equals("[cut]") ? 1 << 20 : 0);
        OutputStream out = exchange.getResponseBody();
        long gap = switch (keyword) {
            case "[slow]" -> SLOW_GAP_MS;
            case "[burst]", "[held-end]" -> 0;
            default -> DEFAULT_GAP_MS;
        };
        long firstDelta = 0;

        event(out, "messageStart", mapper.createObjectNode().put("role", "assistant"));
        for (int i = 0; i < deltas.size(); i++) {
            if (i > 0 && gap > 0) {
                pause(gap);
            }
            ObjectNode delta = mapper.createObjectNode().put("contentBlockIndex", 0);
            delta.putObject("delta").put("text", deltas.get(i));
            event(out, "contentBlockDelta", delta);
            if (i == 0) {
                firstDelta = System.nanoTime();
            }
            if (timing && i == deltas.size() - 1) {
                timings.put(message, new StreamTiming(firstDelta, System.nanoTime()));
            }
            if (keyword.equals("[gated]") && i == 0) {
                awaitGate();
            }
            if (keyword.equals("[cut]") && i == 1) {
                throw new ConnectionCut();
            }
            if (keyword.equals("[midstream]") && i == 1) {
                exception(out, "modelStreamErrorException", "The model stream failed mid-answer (stub)");
                return;
            }
        }
        event(out, "contentBlockStop", mapper.createObjectNode().put("contentBlockIndex", 0));
        event(out, "messageStop", mapper.createObjectNode().put("stopReason", "end_turn"));
        ObjectNode metadata = mapper.createObjectNode();
        metadata.set("usage", usage(keyword, inputTokens, deltas.size()));
        metadata.putObject("metrics").put("latencyMs", 42);
        event(out, "metadata", metadata);
        if (keyword.equals("[held-end]")) {
            awaitGate(); // the last event is out; the response itself ends only when released
        }
        out.close();
    }

    private void event(OutputStream out, String type, JsonNode payload) throws IOException {
        var headers = new LinkedHashMap<String, HeaderValue>();
        headers.put(":event-type", HeaderValue.fromString(type));
        headers.put(":content-type", HeaderValue.fromString("application/json"));
        headers.put(":message-type", HeaderValue.fromString("event"));
        frame(out, headers, mapper.writeValueAsBytes(payload));
    }

    private void exception(OutputStream out, String type, String message) throws IOException {
        var headers = new LinkedHashMap<String, HeaderValue>();
        headers.put(":exception-type", HeaderValue.fromString(type));
        headers.put(":content-type", HeaderValue.fromString("application/json"));
        headers.put(":message-type", HeaderValue.fromString("exception"));
        frame(out, headers, mapper.writeValueAsBytes(mapper.createObjectNode().put("message", message)));
        out.close();
    }

    private static void frame(OutputStream out, Map<String, HeaderValue> headers, byte[] payload) throws IOException {
        var bytes = new ByteArrayOutputStream();
        new Message(headers, payload).encode(bytes);
        out.write(bytes.toByteArray());
        out.flush();
    }

    private void sendError(HttpExchange exchange, Failure failure) throws IOException {
        byte[] bytes = mapper.writeValueAsBytes(mapper.createObjectNode().put("message", failure.message()));
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("x-amzn-ErrorType", failure.type() + failure.typeSuffix());
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(failure.status(), bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private ObjectNode usage(String keyword, int inputTokens, int outputTokens) {
        if (keyword.equals("[cached]")) {
            return mapper.createObjectNode()
                    .put("inputTokens", CACHED_USAGE[0])
                    .put("outputTokens", CACHED_USAGE[1])
                    .put("cacheReadInputTokens", CACHED_USAGE[2])
                    .put("cacheWriteInputTokens", CACHED_USAGE[3])
                    .put("totalTokens", CACHED_USAGE[0] + CACHED_USAGE[1] + CACHED_USAGE[2] + CACHED_USAGE[3]);
        }
        return mapper.createObjectNode()
                .put("inputTokens", inputTokens)
                .put("outputTokens", outputTokens)
                .put("totalTokens", inputTokens + outputTokens);
    }

    private static Failure failureFor(String keyword) {
        Matcher status = ERROR_STATUS.matcher(keyword);
        if (status.matches()) {
            return new Failure(
                    Integer.parseInt(status.group(1)),
                    "UnmodeledFailureException",
                    "A failure of a kind this client does not model (stub).");
        }
        return switch (keyword) {
            case "[throttle]" ->
                new Failure(429, "ThrottlingException", "Too many requests, please wait before trying again.");
            case "[denied]" ->
                new Failure(
                        403,
                        "AccessDeniedException",
                        "You don't have access to the model with the specified model ID.");
            case "[marketplace]" ->
                new Failure(
                        403,
                        "AccessDeniedException",
                        "Model access is denied due to IAM user or service role is not authorized to perform the "
                                + "required AWS Marketplace actions (aws-marketplace:ViewSubscriptions, "
                                + "aws-marketplace:Subscribe) to enable access to this model. Refer to the Amazon "
                                + "Bedrock documentation for further details. Your AWS Marketplace subscription for "
                                + "this model cannot be completed at this time. If you recently fixed this issue, try "
                                + "again after 15 minutes.");
            case "[notauthorized]" ->
                new Failure(
                        403,
                        "AccessDeniedException",
                        "User: " + ROLE + " is not authorized to perform: bedrock:InvokeModel on resource: "
                                + "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0 because no "
                                + "identity-based policy allows the bedrock:InvokeModel action");
            case "[explicitdeny]" ->
                new Failure(
                        403,
                        "AccessDeniedException",
                        "User: " + ROLE + " is not authorized to perform: bedrock:InvokeModelWithResponseStream on "
                                + "resource: arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0 with an "
                                + "explicit deny in a service control policy");
            case "[expired]" ->
                new Failure(
                        403,
                        "ExpiredTokenException",
                        "The security token included in the request is expired",
                        AUTH_ERROR_TYPE_SUFFIX);
            case "[unrecognized]" ->
                new Failure(
                        403,
                        "UnrecognizedClientException",
                        "The security token included in the request is invalid.",
                        AUTH_ERROR_TYPE_SUFFIX);
            case "[badsignature]" ->
                new Failure(
                        403,
                        "InvalidSignatureException",
                        "The request signature we calculated does not match the signature you provided. Check your "
                                + "AWS Secret Access Key and signing method. Consult the service documentation for "
                                + "details.",
                        AUTH_ERROR_TYPE_SUFFIX);
            case "[badtokenid]" ->
                new Failure(
                        403,
                        "InvalidClientTokenId",
                        "The security token included in the request is invalid.",
                        AUTH_ERROR_TYPE_SUFFIX);
            case "[clockskew]" ->
                new Failure(
                        403,
                        "InvalidSignatureException",
                        "Signature expired: 20250101T000000Z is now earlier than 20250101T001000Z "
                                + "(20250101T001500Z - 5 min.)",
                        AUTH_ERROR_TYPE_SUFFIX);
            case "[usecase]" ->
                new Failure(
                        404,
                        "ResourceNotFoundException",
                        "Model use case details have not been submitted for this account. Fill out the Anthropic "
                                + "use case details form before using the model. If you have already filled out the "
                                + "form, try again in 15 minutes.");
            case "[ondemand]" ->
                new Failure(
                        400,
                        "ValidationException",
                        "Invocation of model ID anthropic.claude-3-5-sonnet-20241022-v2:0 with on-demand throughput "
                                + "isn\u2019t supported. Retry your request with the ID or ARN of an inference profile "
                                + "that contains this model.");
            case "[ondemand-ascii]" ->
                new Failure(
                        400,
                        "ValidationException",
                        "Invocation of model ID anthropic.claude-3-5-sonnet-20241022-v2:0 with on-demand throughput "
                                + "isn't supported. Retry your request with the ID or ARN of an inference profile "
                                + "that contains this model.");
            case "[notfound]" ->
                new Failure(
                        404,
                        "ResourceNotFoundException",
                        "Could not resolve the foundation model " + "from the provided model identifier.");
            case "[validation]" -> new Failure(400, "ValidationException", "The provided model identifier is invalid.");
            case "[modelerror]" -> new Failure(424, "ModelErrorException", "The model failed to process the request.");
            case "[internal]" -> new Failure(500, "InternalServerException", "An internal server error occurred.");
            case "[unavailable]" -> new Failure(503, "ServiceUnavailableException", "The service is unavailable.");
            case "[notready]" ->
                new Failure(429, "ModelNotReadyException", "The model is not ready to serve requests.");
            case "[modeltimeout]" -> new Failure(408, "ModelTimeoutException", "The model took too long to answer.");
            case "[unexpected]" -> new Failure(418, "TeapotException", "An error no client knows about.");
            default -> null;
        };
    }

    private static List<String> replyFor(String keyword, String message) {
        return switch (keyword) {
            case "[slow]" -> {
                var parts = new ArrayList<String>();
                for (int i = 1; i <= 60; i++) {
                    parts.add("Slow part " + i + ". ");
                }
                yield parts;
            }
            case "[markdown]" -> words("""
                    # Stub heading

                    Here is a list:

                    - first item
                    - second item

                    | Name | Value |
                    | ---- | ----- |
                    | alpha | 1 |
                    | beta | 2 |

                    ```java
                    System.out.println("hello");
                    ```
                    """);
            case "[xss]" ->
                words("Careful: <img src=x onerror=\"window.__xss=1\"> and "
                        + "<script>window.__xss=2</script> end of reply.");
            case "[gated]" -> List.of("Gated reply: first part. ", "second part ", "arrives after the release.");
            default -> words("Stub reply to: " + message);
        };
    }

    /** Cuts a text after each space or newline, in at most a dozen pieces that join back to it. */
    private static List<String> words(String text) {
        var pieces = new ArrayList<String>();
        int target = Math.max(1, text.length() / 12);
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c == ' ' || c == '\n') && i + 1 - start >= target) {
                pieces.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length()) {
            pieces.add(text.substring(start));
        }
        return pieces;
    }

    private static String keyword(String message) {
        String lower = message.toLowerCase(Locale.ROOT);
        Matcher status = ERROR_STATUS.matcher(lower);
        if (status.find()) {
            return status.group();
        }
        Matcher together = TOGETHER.matcher(lower);
        if (together.find()) {
            return together.group();
        }
        for (String keyword : List.of(
                "[slow]",
                "[cached]",
                "[burst]",
                "[markdown]",
                "[xss]",
                "[gated]",
                "[held-end]",
                "[throttle]",
                "[denied]",
                "[marketplace]",
                "[notauthorized]",
                "[explicitdeny]",
                "[expired]",
                "[unrecognized]",
                "[badsignature]",
                "[badtokenid]",
                "[clockskew]",
                "[usecase]",
                "[ondemand-ascii]",
                "[ondemand]",
                "[notfound]",
                "[validation]",
                "[modelerror]",
                "[internal]",
                "[unavailable]",
                "[notready]",
                "[modeltimeout]",
                "[unexpected]",
                "[midstream]",
                "[cut]",
                "[hang]",
                "[garbled]")) {
            if (lower.contains(keyword)) {
                return keyword;
            }
        }
        return "";
    }

    private static String lastUserMessage(JsonNode body) {
        JsonNode messages = body.path("messages");
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode message = messages.get(i);
            if (message.path("role").asText().equals("user")) {
                var text = new StringBuilder();
                message.path("content")
                        .forEach(block -> text.append(block.path("text").asText("")));
                return text.toString();
            }
        }
        return "";
    }

    /** Waits (up to ten seconds) until {@code count} requests are waiting here, then lets them all go on. */
    private void gather(int count) {
        CountDownLatch arrived = gatherings.computeIfAbsent(count, n -> new CountDownLatch(n));
        arrived.countDown();
        try {
            arrived.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (arrived.getCount() == 0) {
            gatherings.remove(count, arrived);
        }
    }

    private void awaitGate() {
        try {
            gate.tryAcquire(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitClose(long millis) {
        try {
            closed.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends a handler without closing its exchange, so that the server drops the connection mid-answer. */
    private static final class ConnectionCut extends IOException {
        ConnectionCut() {
            super("connection cut by the stub");
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
