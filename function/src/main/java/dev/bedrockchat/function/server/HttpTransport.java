package dev.bedrockchat.function.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.bedrockchat.function.api.Api;
import dev.bedrockchat.function.api.ApiRequest;
import dev.bedrockchat.function.api.ResponseSink;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP transport: the JDK's own HTTP server, one virtual thread per exchange, every request handed to the
 * {@link Api}. It serves the local run and, unchanged, the Lambda Web Adapter (which forwards to it on PORT).
 * Server-sent events go out as chunked transfer, each event flushed as it is written.
 *
 * <p>Behind the adapter (and only there, as anywhere else a client could forge them) the request's id and time limit
 * come from the adapter's headers: see {@link WebAdapterContext}.
 */
public final class HttpTransport implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private HttpTransport(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds and starts serving; port 0 picks a free port.
     *
     * @param behindWebAdapter whether the Lambda Web Adapter forwards every request (its context headers are then
     *                         trusted)
     */
    public static HttpTransport start(Api api, String host, int port, boolean behindWebAdapter) throws IOException {
        // Small writes (one SSE event each) must leave at once rather than wait for Nagle's algorithm.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 128);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        var mapper = new ObjectMapper();
        server.createContext("/", exchange -> {
            try (exchange) {
                api.handle(toRequest(exchange, behindWebAdapter, mapper), new ExchangeSink(exchange));
            }
        });
        server.start();
        return new HttpTransport(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops accepting requests, lets running ones finish for up to a second, then stops. */
    @Override
    public void close() {
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
                : new WebAdapterContext(Optional.empty(), Optional.empty());
        return new ApiRequest(
                exchange.getRequestMethod().toUpperCase(Locale.ROOT),
                Optional.ofNullable(exchange.getRequestURI().getRawPath()).orElse("/"),
                exchange.getRequestURI().getRawQuery(),
                headers,
                exchange.getRequestBody(),
                context.requestId(),
                context.timeLimit());
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
    }
}
