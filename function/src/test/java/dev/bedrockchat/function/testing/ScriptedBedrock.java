package dev.bedrockchat.function.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.eventstream.HeaderValue;
import software.amazon.awssdk.eventstream.Message;

/**
 * A local stand-in for the Amazon Bedrock Runtime API whose answers are scripted per request, for fault tests: it
 * speaks Bedrock's wire protocol over plain sockets (rest-json for Converse, {@code application/vnd.amazon.eventstream}
 * frames in a chunked body for ConverseStream, Bedrock's error responses with {@code x-amzn-ErrorType}), so the
 * function's real AWS SDK talks to it unchanged, and it controls the connection itself: it can send nothing, cut the
 * connection mid-answer, notice when the caller closes it, refuse connections ({@link #down()}) and come back on the
 * same port ({@link #up()}).
 *
 * <p>Like Bedrock, it keeps a connection open for further requests once an answer is complete (it never sends
 * {@code Connection: close}), so the caller's HTTP client pools it; a connection whose answer ended early (cut, left by
 * the caller, hung) is closed, and so is every idle one when the stand-in goes {@link #down()}.
 *
 * <p>A request is matched to its script by a key contained in its last user message ({@link #script}); each request
 * so matched takes the script's next {@link Step}, and the last step answers every request after it (so an error
 * step answers the SDK's retries too). A request that no script matches gets {@link Step#reply()}: "Stand-in reply
 * to: &lt;message&gt;" in a few deltas. Every request is recorded as a {@link Call}.
 */
public final class ScriptedBedrock implements AutoCloseable {
    private static final String ERROR_TYPE_SUFFIX = ":http://internal.amazon.com/coral/com.amazon.bedrock/";
    private static final Duration DELTA_GAP = Duration.ofMillis(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the stand-in does with one request. */
    public sealed interface Step {
        /** The reply, "Stand-in reply to: &lt;message&gt;", in a few deltas 10 ms apart. */
        static Step reply() {
            return new Reply(0, DELTA_GAP);
        }

        /** A reply of {@code deltas} numbered parts, {@code gap} apart, watching for the caller closing between them. */
        static Step slow(int deltas, Duration gap) {
            return new Reply(deltas, gap);
        }

        /** An error response before any answer: the HTTP status and Bedrock's error type and message. */
        static Step error(int status, String type, String message) {
            return new ErrorResponse(status, type, message);
        }

        /** Streams {@code deltas} deltas, then an exception event of this type (ConverseStream only). */
        static Step errorEventAfter(int deltas, String exceptionType, String message) {
            return new ErrorEvent(deltas, exceptionType, message);
        }

        /** Streams {@code deltas} deltas, then drops the connection without ending the body. */
        static Step cutAfter(int deltas) {
            return new Cut(deltas);
        }

        /** Streams {@code deltas} deltas (0: sends not even a status line), then waits until the caller leaves. */
        static Step hangAfter(int deltas) {
            return new Hang(deltas);
        }
    }

    record Reply(int parts, Duration gap) implements Step {}

    record ErrorResponse(int status, String type, String message) implements Step {}

    record ErrorEvent(int deltas, String exceptionType, String message) implements Step {}

    record Cut(int deltas) implements Step {}

    record Hang(int deltas) implements Step {}

    /** One request as received, the step that answered it, and whether the caller closed the connection early. */
    public static final class Call {
        private final String operation;
        private final String modelId;
        private final String lastUserMessage;
        private final Step step;
        private final CountDownLatch closedByCaller = new CountDownLatch(1);

        Call(String operation, String modelId, String lastUserMessage, Step step) {
            this.operation = operation;
            this.modelId = modelId;
            this.lastUserMessage = lastUserMessage;
            this.step = step;
        }

        public String operation() {
            return operation;
        }

        public String modelId() {
            return modelId;
        }

        public String lastUserMessage() {
            return lastUserMessage;
        }

        public Step step() {
            return step;
        }

        /** Waits until the caller closed the connection before the answer was over; false if it did not in time. */
        public boolean awaitClosedByCaller(Duration timeout) throws InterruptedException {
            return closedByCaller.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        public boolean closedByCaller() {
            return closedByCaller.getCount() == 0;
        }

        @Override
        public String toString() {
            return operation + " " + modelId + " '" + lastUserMessage + "' → " + step;
        }
    }

    private final Map<String, Deque<Step>> scripts = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    /** Open connections waiting for their next request. */
    private final Set<Socket> idle = ConcurrentHashMap.newKeySet();

    private final CountDownLatch closed = new CountDownLatch(1);
    private final int port;
    private volatile ServerSocket listener;

    private ScriptedBedrock() throws IOException {
        listener = bind(0);
        port = listener.getLocalPort();
        accept(listener);
    }

    public static ScriptedBedrock start() {
        try {
            return new ScriptedBedrock();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The endpoint for the SDK (AWS_ENDPOINT_URL_BEDROCK_RUNTIME). */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Requests whose last user message contains {@code key} take these steps in turn; the last one stays. */
    public void script(String key, Step... steps) {
        if (steps.length == 0) {
            throw new IllegalArgumentException("a script needs a step");
        }
        scripts.put(key, new ArrayDeque<>(List.of(steps)));
    }

    /** Every request received so far, oldest first. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The requests whose last user message contains {@code key}, oldest first. */
    public List<Call> callsFor(String key) {
        return calls.stream().filter(c -> c.lastUserMessage.contains(key)).toList();
    }

    /**
     * Stops listening: connections are refused until {@link #up()}. Idle connections are closed; answers under way go
     * on.
     */
    public synchronized void down() {
        try {
            listener.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Socket socket : idle) {
            closeQuietly(socket);
        }
    }

    /** Listens again, on the same port. */
    public synchronized void up() {
        try {
            listener = bind(port);
            accept(listener);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        closed.countDown();
        down();
        for (Socket socket : open) {
            closeQuietly(socket);
        }
    }

    private static ServerSocket bind(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        return socket;
    }

    private void accept(ServerSocket server) {
        Thread.ofVirtual().name("bedrock-stand-in-accept").start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    open.add(socket);
                    Thread.ofVirtual().name("bedrock-stand-in").start(() -> serve(socket));
                } catch (IOException e) {
                    return; // closed by down() or close()
                }
            }
        });
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            boolean more = true;
            while (more) {
                socket.setSoTimeout(0);
                idle.add(socket);
                Optional<RawRequest> request;
                try {
                    request = RawRequest.read(in, out);
                } finally {
                    idle.remove(socket);
                }
                if (request.isEmpty()) {
                    return;
                }
                more = answer(request.get(), socket, in, out);
            }
        } catch (IOException e) {
            // The caller went away, or the step cut the connection.
        } finally {
            open.remove(socket);
        }
    }

    /** Answers one request; true when the answer is complete and the connection may carry the next request. */
    private boolean answer(RawRequest request, Socket socket, InputStream in, OutputStream out) throws IOException {
        String[] path = request.path().split("/");
        if (!request.method().equals("POST") || path.length != 4 || !path[1].equals("model")) {
            writeError(out, new ErrorResponse(404, "UnknownOperationException", "Unknown operation"));
            return true;
        }
        String modelId = URLDecoder.decode(path[2], StandardCharsets.UTF_8);
        String operation = path[3];
        JsonNode body = JSON.readTree(request.body());
        String message = lastUserMessage(body);
        Step step = stepFor(message);
        Call call = new Call(operation, modelId, message, step);
        calls.add(call);
        boolean streaming = operation.equals("converse-stream");
        switch (step) {
            case ErrorResponse error -> {
                writeError(out, error);
                return true;
            }
            case Hang hang
            when hang.deltas() == 0 -> {
                awaitCallerLeaving(socket, in, call);
                return false;
            }
            default -> {
                try {
                    return streaming
                            ? stream(step, message, socket, in, out, call)
                            : converse(step, message, socket, in, out, call);
                } catch (IOException e) {
                    if (!(step instanceof Cut)) {
                        call.closedByCaller.countDown(); // a write failed: the caller had closed the connection
                    }
                    throw e;
                }
            }
        }
    }

    private Step stepFor(String message) {
        for (Map.Entry<String, Deque<Step>> script : scripts.entrySet()) {
            if (message.contains(script.getKey())) {
                Deque<Step> steps = script.getValue();
                synchronized (steps) {
                    return steps.size() > 1 ? steps.removeFirst() : steps.getFirst();
                }
            }
        }
        return Step.reply();
    }

    private boolean converse(Step step, String message, Socket socket, InputStream in, OutputStream out, Call call)
            throws IOException {
        if (step instanceof Hang) {
            awaitCallerLeaving(socket, in, call);
            return false;
        }
        List<String> deltas = deltas(step, message);
        ObjectNode response = JSON.createObjectNode();
        response.putObject("output")
                .putObject("message")
                .put("role", "assistant")
                .putArray("content")
                .addObject()
                .put("text", String.join("", deltas));
        response.put("stopReason", "end_turn");
        response.set("usage", usage(message.length() / 4 + 1, deltas.size()));
        response.putObject("metrics").put("latencyMs", 7);
        byte[] bytes = JSON.writeValueAsBytes(response);
        if (step instanceof Cut) {
            head(out, 200, "application/json", Map.of("Content-Length", Integer.toString(bytes.length)));
            out.write(bytes, 0, bytes.length / 2);
            out.flush();
            cut(socket);
            return false;
        }
        head(out, 200, "application/json", Map.of("Content-Length", Integer.toString(bytes.length)));
        out.write(bytes);
        out.flush();
        return true;
    }

    private boolean stream(Step step, String message, Socket socket, InputStream in, OutputStream out, Call call)
            throws IOException {
        head(out, 200, "application/vnd.amazon.eventstream", Map.of("Transfer-Encoding", "chunked"));
        List<String> deltas = deltas(step, message);
        Duration gap = step instanceof Reply reply ? reply.gap() : DELTA_GAP;
        int upTo = switch (step) {
            case ErrorEvent e -> e.deltas();
            case Cut c -> c.deltas();
            case Hang h -> h.deltas();
            default -> deltas.size();
        };
        event(out, "messageStart", JSON.createObjectNode().put("role", "assistant"));
        for (int i = 0; i < Math.min(upTo, deltas.size()); i++) {
            if (i > 0 && callerLeftWithin(socket, in, gap)) {
                call.closedByCaller.countDown();
                return false;
            }
            ObjectNode delta = JSON.createObjectNode().put("contentBlockIndex", 0);
            delta.putObject("delta").put("text", deltas.get(i));
            event(out, "contentBlockDelta", delta);
        }
        switch (step) {
            case ErrorEvent e -> {
                exception(out, e.exceptionType(), e.message());
                endChunks(out);
                return true;
            }
            case Cut c -> {
                cut(socket);
                return false;
            }
            case Hang h -> {
                awaitCallerLeaving(socket, in, call);
                return false;
            }
            default -> {}
        }
        event(out, "contentBlockStop", JSON.createObjectNode().put("contentBlockIndex", 0));
        event(out, "messageStop", JSON.createObjectNode().put("stopReason", "end_turn"));
        ObjectNode metadata = JSON.createObjectNode();
        metadata.set("usage", usage(message.length() / 4 + 1, deltas.size()));
        metadata.putObject("metrics").put("latencyMs", 7);
        event(out, "metadata", metadata);
        endChunks(out);
        return true;
    }

    /** Waits up to {@code wait} for the caller to close its side; true when it did. */
    private static boolean callerLeftWithin(Socket socket, InputStream in, Duration wait) throws IOException {
        socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset by the caller
        }
    }

    /** Sends nothing more and waits (up to ten minutes, or until closed) for the caller to close the connection. */
    private void awaitCallerLeaving(Socket socket, InputStream in, Call call) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline && closed.getCount() > 0) {
            if (callerLeftWithin(socket, in, Duration.ofMillis(200))) {
                call.closedByCaller.countDown();
                return;
            }
        }
    }

    private static void cut(Socket socket) throws IOException {
        socket.setSoLinger(true, 0); // a reset, as a broken connection
        socket.close();
    }

    private static List<String> deltas(Step step, String message) {
        if (step instanceof Reply reply && reply.parts() > 0) {
            var parts = new ArrayList<String>();
            for (int i = 1; i <= reply.parts(); i++) {
                parts.add("Part " + i + ". ");
            }
            return parts;
        }
        String text = "Stand-in reply to: " + message;
        var parts = new ArrayList<String>();
        int size = Math.max(4, text.length() / 6);
        for (int start = 0; start < text.length(); start += size) {
            parts.add(text.substring(start, Math.min(text.length(), start + size)));
        }
        return parts;
    }

    private static void head(OutputStream out, int status, String contentType, Map<String, String> headers)
            throws IOException {
        var head = new StringBuilder("HTTP/1.1 ")
                .append(status)
                .append(status == 200 ? " OK" : " Error")
                .append("\r\n");
        head.append("Content-Type: ").append(contentType).append("\r\n");
        head.append("x-amzn-RequestId: ").append(UUID.randomUUID()).append("\r\n");
        headers.forEach(
                (name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void writeError(OutputStream out, ErrorResponse error) throws IOException {
        byte[] body = JSON.writeValueAsBytes(JSON.createObjectNode().put("message", error.message()));
        var headers = new LinkedHashMap<String, String>();
        headers.put("x-amzn-ErrorType", error.type() + ERROR_TYPE_SUFFIX);
        headers.put("Content-Length", Integer.toString(body.length));
        head(out, error.status(), "application/json", headers);
        out.write(body);
        out.flush();
    }

    private static void event(OutputStream out, String type, JsonNode payload) throws IOException {
        var headers = new LinkedHashMap<String, HeaderValue>();
        headers.put(":event-type", HeaderValue.fromString(type));
        headers.put(":content-type", HeaderValue.fromString("application/json"));
        headers.put(":message-type", HeaderValue.fromString("event"));
        chunk(out, headers, JSON.writeValueAsBytes(payload));
    }

    private static void exception(OutputStream out, String type, String message) throws IOException {
        var headers = new LinkedHashMap<String, HeaderValue>();
        headers.put(":exception-type", HeaderValue.fromString(type));
        headers.put(":content-type", HeaderValue.fromString("application/json"));
        headers.put(":message-type", HeaderValue.fromString("exception"));
        chunk(out, headers, JSON.writeValueAsBytes(JSON.createObjectNode().put("message", message)));
    }

    private static void chunk(OutputStream out, Map<String, HeaderValue> headers, byte[] payload) throws IOException {
        var frame = new ByteArrayOutputStream();
        new Message(headers, payload).encode(frame);
        out.write((Integer.toHexString(frame.size()) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(frame.toByteArray());
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void endChunks(OutputStream out) throws IOException {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static ObjectNode usage(int inputTokens, int outputTokens) {
        return JSON.createObjectNode()
                .put("inputTokens", inputTokens)
                .put("outputTokens", outputTokens)
                .put("totalTokens", inputTokens + outputTokens);
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

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
