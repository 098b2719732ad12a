package dev.bedrockchat.function.server;

import dev.bedrockchat.function.api.Api;
import dev.bedrockchat.function.api.ApiRequest;
import dev.bedrockchat.function.api.GatewayContext;
import dev.bedrockchat.function.api.ResponseSink;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client connection, served on its own virtual thread: requests are read one after the other (pipelined ones
 * included) and each is handed to the {@link Api}, until the client or the server ends the connection.
 *
 * <ul>
 *   <li>The first request must begin and its head be complete within the head timeout of the connection's accept;
 *       each later one within the head timeout of its first byte. A connection that sends nothing in that time, or
 *       nothing for the idle timeout after a response, is closed without an answer.
 *   <li>A request the server refuses gets the API's error envelope and {@code Connection: close}, and the connection
 *       ends: its framing can no longer be trusted.
 *   <li>The connection stays open after a response only when the client allows it, the server is not closing, and
 *       the whole request body was read (or is already here to be dropped).
 *   <li>Before it is closed after a response, the connection stops sending and reads (and drops) what the client still
 *       sends for a moment, so that the response is not lost to a reset.
 * </ul>
 */
final class Connection implements Runnable {
    private static final int IDLE = 0;
    private static final int BUSY = 1;
    private static final int CLOSED = 2;

    /** How long, and how much, a closing connection still reads before the socket is closed. */
    private static final Duration LINGER = Duration.ofSeconds(2);

    private static final Duration BUSY_LINGER = Duration.ofMillis(500);
    private static final long LINGER_BYTES = 4L * 1024 * 1024;

    private final HttpServer server;
    private final Socket socket;
    private final long acceptedNanos;
    private final boolean refuse;
    private final HttpLimits limits;
    private final AtomicInteger state = new AtomicInteger(IDLE);
    private ConnectionInput in;
    private volatile WatchedOutput watched;
    private ResponseWriter out;

    /**
     * @param refuse the server has no room for this connection: answer 503 at once and close
     */
    Connection(HttpServer server, Socket socket, long acceptedNanos, boolean refuse) {
        this.server = server;
        this.socket = socket;
        this.acceptedNanos = acceptedNanos;
        this.refuse = refuse;
        this.limits = server.limits();
    }

    @Override
    public void run() {
        try {
            socket.setTcpNoDelay(true);
            in = new ConnectionInput(socket.getInputStream(), socket::setSoTimeout);
            watched = new WatchedOutput(socket.getOutputStream());
            out = new ResponseWriter(watched, server.date());
            if (refuse) {
                reject(
                        new ApiRequest(
                                "UNKNOWN",
                                "/",
                                null,
                                Map.of(),
                                InputStream.nullInputStream(),
                                Optional.empty(),
                                Optional.empty(),
                                GatewayContext.NONE),
                        Rejections.busy(),
                        BUSY_LINGER);
            } else {
                serve();
            }
        } catch (IOException e) {
            // The client went away, or the server closed the socket: there is no one left to answer.
        } finally {
            closeSocket();
            server.closed(this);
        }
    }

    /** Closes the connection if it waits for a request (no exchange is running); for the server's shutdown. */
    void closeIfIdle() {
        if (state.compareAndSet(IDLE, CLOSED)) {
            closeSocket();
        }
    }

    /** Closes the connection if a write has waited longer than {@code nanos} for the client to read. */
    void closeIfSendStalled(long now, long nanos) {
        WatchedOutput output = watched;
        if (output != null && output.stalled(now, nanos)) {
            closeSocket();
        }
    }

    void closeSocket() {
        state.set(CLOSED);
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing is all that is left to do.
        }
    }

    private void serve() throws IOException {
        long headTimeout = limits.headTimeout().toNanos();
        long deadline = acceptedNanos + headTimeout;
        boolean first = true;
        while (true) {
            int wait =
                    first ? millisUntil(deadline) : (int) limits.idleTimeout().toMillis();
            if (!in.awaitData(wait) || !state.compareAndSet(IDLE, BUSY)) {
                return;
            }
            if (!first) {
                deadline = System.nanoTime() + headTimeout;
            }
            first = false;
            if (!exchange(deadline) || server.closing() || !state.compareAndSet(BUSY, IDLE)) {
                return;
            }
        }
    }

    /**
     * Reads one request and answers it; true when the connection may carry the next one. Behind the Lambda Web
     * Adapter (and only there) the request carries what the adapter's headers tell: API Gateway's request id, the
     * invocation's time limit, and what API Gateway vouches for (its authorizer's claims, or that the request is one
     * of the function's own events).
     */
    private boolean exchange(long deadline) throws IOException {
        in.deadline(deadline);
        var parser = new RequestHeadParser(limits);
        RequestHead head;
        try {
            head = parser.read(in);
        } catch (Api.Rejection rejection) {
            reject(withAdapterContext(parser.partial()), rejection, LINGER);
            return false;
        }
        if (head == null) {
            return false;
        }
        in.idle((int) limits.bodyTimeout().toMillis());
        RequestBody body;
        if (head.chunked()) {
            body = new ChunkedBody(in, limits, limits.bodyTimeout());
        } else if (head.contentLength() > 0) {
            body = new ContentLengthBody(in, head.contentLength(), limits.bodyTimeout());
        } else {
            body = RequestBody.empty();
        }
        var sink = new ExchangeSink(head, body);
        if (head.expectContinue()) {
            body.onFirstRead(sink::continueIfWaiting);
        }
        WebAdapterContext context = server.adapterContext(head.headers());
        server.api()
                .handle(
                        new ApiRequest(
                                head.method(),
                                head.path(),
                                HttpSyntax.queryOf(head.target()),
                                head.headers(),
                                body,
                                context.requestId(),
                                context.timeLimit(),
                                context.gateway().withSourceIp(remoteAddress())),
                        sink);
        if (!sink.complete) {
            return false;
        }
        if (sink.close) {
            linger(LINGER);
            return false;
        }
        return true;
    }

    /**
     * The client's address as this connection sees it. Behind the Lambda Web Adapter that is the adapter's, so
     * there the adapter's request context names the client instead (and is kept).
     */
    private Optional<String> remoteAddress() {
        return socket.getInetAddress() == null
                ? Optional.empty()
                : Optional.of(socket.getInetAddress().getHostAddress());
    }

    /**
     * What the server read of a refused request, with what the Lambda Web Adapter's headers tell (the request id
     * above all) when the server runs behind the adapter and the adapter's header field was read before the refusal.
     */
    private ApiRequest withAdapterContext(ApiRequest partial) {
        WebAdapterContext context = server.adapterContext(partial.headers());
        return new ApiRequest(
                partial.method(),
                partial.path(),
                partial.rawQuery(),
                partial.headers(),
                partial.body(),
                context.requestId(),
                context.timeLimit(),
                context.gateway());
    }

    /** Answers a refused request through the API (envelope, headers, log line), then closes. */
    private void reject(ApiRequest partial, Api.Rejection rejection, Duration linger) {
        boolean head = partial.method().equals("HEAD");
        var sink = new ResponseSink() {
            boolean sent;

            @Override
            public void send(int status, Map<String, String> headers, byte[] body) throws IOException {
                sent = true;
                out.response(status, headers, body, head, ResponseWriter.Persistence.CLOSE);
            }

            @Override
            public EventSink startEvents(Map<String, String> headers) throws IOException {
                throw new IOException("A refused request has no event stream");
            }
        };
        server.api().reject(partial, rejection, sink);
        if (sink.sent) {
            linger(linger);
        }
    }

    /**
     * Stops sending (the client reads the end of the response) and drops what the client still sends until it
     * closes, for at most {@code duration}: closing a socket with unread input would reset the connection, and the
     * client could lose the response.
     */
    private void linger(Duration duration) {
        try {
            socket.shutdownOutput();
            in.deadline(System.nanoTime() + duration.toNanos());
            long dropped = 0;
            int count;
            while (dropped < LINGER_BYTES && (count = in.discard()) >= 0) {
                dropped += count;
            }
        } catch (IOException done) {
            // The time is up, or the client has gone: close.
        }
    }

    private static int millisUntil(long deadline) {
        long remaining = deadline - System.nanoTime();
        return remaining <= 0 ? 0 : (int) Math.max(1, remaining / 1_000_000);
    }

    /** Writes the API's answer to one request to the connection. */
    private final class ExchangeSink implements ResponseSink {
        private final RequestHead head;
        private final RequestBody body;
        private boolean started;
        boolean complete;
        boolean close;

        ExchangeSink(RequestHead head, RequestBody body) {
            this.head = head;
            this.body = body;
        }

        /** Sends {@code 100 Continue} when the body is about to be read and the client still waits for it. */
        void continueIfWaiting() throws IOException {
            if (!started && in.buffered() == 0) {
                out.writeContinue();
            }
        }

        @Override
        public void send(int status, Map<String, String> headers, byte[] content) throws IOException {
            begin();
            out.response(status, headers, content, head.isHead(), persistence(false));
            complete = true;
        }

        @Override
        public EventSink startEvents(Map<String, String> headers) throws IOException {
            begin();
            boolean chunked = head.http11();
            out.startStream(headers, chunked, persistence(!chunked));
            return new EventSink() {
                @Override
                public void send(String event, String data) throws IOException {
                    out.piece(EventSink.format(event, data), chunked);
                }

                @Override
                public void close() throws IOException {
                    if (chunked) {
                        out.endChunks();
                    }
                    complete = true;
                }
            };
        }

        private void begin() {
            if (started) {
                throw new IllegalStateException("The response has been sent already");
            }
            started = true;
        }

        /** Whether the connection stays open after this response, and what the response says about it. */
        private ResponseWriter.Persistence persistence(boolean closeDelimited) {
            close = closeDelimited
                    || !head.persistent()
                    || server.closing()
                    || !(body.finished() || body.skipBuffered());
            if (close) {
                return ResponseWriter.Persistence.CLOSE;
            }
            return head.http11() ? ResponseWriter.Persistence.DEFAULT : ResponseWriter.Persistence.KEEP_ALIVE;
        }
    }
}
