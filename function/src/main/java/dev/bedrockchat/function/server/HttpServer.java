package dev.bedrockchat.function.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.api.Api;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP/1.1 server on blocking sockets: one accept loop, one virtual thread per connection, at most
 * {@link HttpLimits#maxConnections()} connections at a time. A connection beyond them gets 503 {@code ServerBusy}
 * with {@code Retry-After} and is closed (at most {@link #BUSY_RESPONDERS} such answers are in flight; further
 * connections are closed at once). A watchdog closes connections whose client has stopped reading a response for
 * longer than the send timeout.
 */
final class HttpServer implements AutoCloseable {
    private static final int BACKLOG = 128;
    private static final int BUSY_RESPONDERS = 64;
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(1);

    private final Api api;
    private final HttpLimits limits;
    private final boolean behindWebAdapter;
    private final ObjectMapper mapper = new ObjectMapper();
    private final ServerSocket serverSocket;
    private final HttpDate date = new HttpDate(Clock.systemUTC());
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger open = new AtomicInteger();
    private final Semaphore busyResponders = new Semaphore(BUSY_RESPONDERS);
    private final Thread.Builder connectionThreads =
            Thread.ofVirtual().name("http-connection-", 0).inheritInheritableThreadLocals(false);
    private final Thread acceptor;
    private final Thread watchdog;
    private volatile boolean closing;

    private HttpServer(Api api, HttpLimits limits, boolean behindWebAdapter, ServerSocket serverSocket) {
        this.api = api;
        this.limits = limits;
        this.behindWebAdapter = behindWebAdapter;
        this.serverSocket = serverSocket;
        // A platform thread that is not a daemon: it keeps the process alive while the server runs.
        this.acceptor = Thread.ofPlatform().name("http-accept").daemon(false).unstarted(this::acceptLoop);
        this.watchdog = Thread.ofVirtual().name("http-watchdog").unstarted(this::watchSends);
    }

    /** Binds (port 0 picks a free port) and starts accepting connections. */
    static HttpServer start(Api api, InetSocketAddress address, HttpLimits limits, boolean behindWebAdapter)
            throws IOException {
        var serverSocket = new ServerSocket();
        try {
            serverSocket.setReuseAddress(true);
            serverSocket.bind(address, BACKLOG);
        } catch (IOException e) {
            serverSocket.close();
            throw e;
        }
        var server = new HttpServer(api, limits, behindWebAdapter, serverSocket);
        server.acceptor.start();
        server.watchdog.start();
        return server;
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    Api api() {
        return api;
    }

    HttpLimits limits() {
        return limits;
    }

    /**
     * What the Lambda Web Adapter says of a request: read from its header fields (names matched without regard to
     * case) behind the adapter only, as anywhere else a client could forge them.
     */
    WebAdapterContext adapterContext(Map<String, List<String>> headers) {
        if (!behindWebAdapter) {
            return WebAdapterContext.NONE;
        }
        return WebAdapterContext.from(
                first(headers, WebAdapterContext.REQUEST_CONTEXT),
                first(headers, WebAdapterContext.LAMBDA_CONTEXT),
                mapper,
                System::currentTimeMillis);
    }

    private static Optional<String> first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    HttpDate date() {
        return date;
    }

    /** The server is shutting down: no response promises to keep its connection open. */
    boolean closing() {
        return closing;
    }

    /** Called by each connection as it ends. */
    void closed(Connection connection) {
        if (connections.remove(connection)) {
            open.decrementAndGet();
        }
    }

    private void acceptLoop() {
        while (!closing) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (closing) {
                    return;
                }
                // Out of file descriptors, say: wait a moment rather than spin.
                pause(Duration.ofMillis(50));
                continue;
            }
            long acceptedNanos = System.nanoTime();
            if (closing) {
                closeQuietly(socket);
                return;
            }
            if (open.incrementAndGet() > limits.maxConnections()) {
                open.decrementAndGet();
                refuse(socket, acceptedNanos);
                continue;
            }
            var connection = new Connection(this, socket, acceptedNanos, false);
            connections.add(connection);
            try {
                connectionThreads.start(connection);
            } catch (RuntimeException | OutOfMemoryError e) {
                closed(connection);
                closeQuietly(socket);
            }
        }
    }

    /** Answers 503 on a connection beyond the limit, if few such answers are in flight; else just closes it. */
    private void refuse(Socket socket, long acceptedNanos) {
        if (!busyResponders.tryAcquire()) {
            closeQuietly(socket);
            return;
        }
        try {
            connectionThreads.start(() -> {
                try {
                    new Connection(this, socket, acceptedNanos, true).run();
                } finally {
                    busyResponders.release();
                }
            });
        } catch (RuntimeException | OutOfMemoryError e) {
            busyResponders.release();
            closeQuietly(socket);
        }
    }

    private void watchSends() {
        long timeout = limits.sendTimeout().toNanos();
        Duration tick = Duration.ofMillis(Math.clamp(limits.sendTimeout().toMillis() / 4, 10, 1000));
        while (!closing) {
            pause(tick);
            long now = System.nanoTime();
            for (Connection connection : connections) {
                connection.closeIfSendStalled(now, timeout);
            }
        }
    }

    /**
     * Stops accepting, closes the connections that wait for a request, lets running exchanges finish for up to a
     * second (their responses say {@code Connection: close}), then closes every socket.
     */
    @Override
    public synchronized void close() {
        if (closing) {
            return;
        }
        closing = true;
        closeQuietly(serverSocket);
        try {
            acceptor.join(SHUTDOWN_GRACE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connections.forEach(Connection::closeIfIdle);
        long end = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
        while (!connections.isEmpty() && System.nanoTime() < end) {
            pause(Duration.ofMillis(5));
        }
        connections.forEach(Connection::closeSocket);
        watchdog.interrupt();
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Nothing more to do with it.
        }
    }
}
