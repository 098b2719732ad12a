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
 * and the claims of API Gateway's authorizer come from the adapter's headers: see {@link WebAdapterContext}.
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
<<<<<<< HEAD
        server.close();
=======
        server.stop(1);
        executor.shutdownNow();
    }

    private static ApiRequest toRequest(HttpExchange exchange, boolean behindWebAdapter, ObjectMapper mapper) {
        var headers = exchange.getRequestHeaders();
        WebAdapterContext context = behindWebAdapter
                ? WebAdapterContext.from(
                        Optional.ofNullable(headers.getFirst(WebAdapterContext.REQUEST_CONTEXT)),
                        Optional.ofNullable(headers.getFirst(WebAdapterContext.LAMBDA_CONTEXT)),
                        mapper,
                        System::currentTimeMillis)
                : WebAdapterContext.NONE;
        return new ApiRequest(
                exchange.getRequestMethod().toUpperCase(Locale.ROOT),
                Optional.ofNullable(exchange.getRequestURI().getRawPath()).orElse("/"),
                exchange.getRequestURI().getRawQuery(),
                headers,
                exchange.getRequestBody(),
                context.requestId(),
                context.timeLimit(),
                context.gateway());
    }

    /** Writes the API's answer to the exchange. */
    private static final class ExchangeSink implements ResponseSink {
        private final HttpExchange exchange;

        ExchangeSink(HttpExchange exchange) {
            this.exchange = exchange;
        }

        @Override
        public void send(int status, Map<String, String> headers, byte[] body) throws IOException {
            headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            // -1: no body. (A HEAD answer has none either; the JDK server keeps the Content-Length the API set.)
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }

        @Override
        public EventSink startEvents(Map<String, String> headers) throws IOException {
            headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.flush();
            return new EventSink() {
                @Override
                public void send(String event, String data) throws IOException {
                    out.write(EventSink.format(event, data));
                    out.flush();
                }

                @Override
                public void close() throws IOException {
                    out.close();
                }
            };
        }
>>>>>>> auth9
    }
}
