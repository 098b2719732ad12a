package dev.bedrockchat.function.server;

import dev.bedrockchat.function.api.Api;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The HTTP transport: the function's own HTTP/1.1 server ({@link HttpServer}), every request handed to the
 * {@link Api}. It serves the local run and, unchanged, the Lambda Web Adapter (which forwards to it on PORT).
 * Server-sent events go out as chunked transfer, each event flushed as it is written.
 *
 * <p>Behind the adapter (and only there, as anywhere else a client could forge them) the request's id, its time limit
 * and what API Gateway vouches for (its authorizer's claims; that a request is one of the function's own events) come
 * from the adapter's headers: see {@link WebAdapterContext}.
 */
public final class HttpTransport implements AutoCloseable {
    private final HttpServer server;

    private HttpTransport(HttpServer server) {
        this.server = server;
    }

    /** Binds and starts serving with the default limits, not behind the adapter; port 0 picks a free port. */
    public static HttpTransport start(Api api, String host, int port) throws IOException {
        return start(api, host, port, HttpLimits.DEFAULTS, false);
    }

    /**
     * Binds and starts serving; port 0 picks a free port.
     *
     * @param limits           the {@code HTTP_*} settings
     * @param behindWebAdapter whether the Lambda Web Adapter forwards every request (its context headers are then
     *                         trusted)
     */
    public static HttpTransport start(Api api, String host, int port, HttpLimits limits, boolean behindWebAdapter)
            throws IOException {
        return new HttpTransport(HttpServer.start(api, new InetSocketAddress(host, port), limits, behindWebAdapter));
    }

    public int port() {
        return server.port();
    }

    /** Stops accepting requests, lets running ones finish for up to a second, then closes every connection. */
    @Override
    public void close() {
        server.close();
    }
}
