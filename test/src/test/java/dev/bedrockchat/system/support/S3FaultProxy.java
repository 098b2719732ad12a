package dev.bedrockchat.system.support;

import dev.bedrockchat.function.testing.RawRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An S3 fault injector for tests: an HTTP proxy in front of an S3-compatible server (moto) that passes every request
 * on unchanged, unless told to fail. It can be {@linkplain #down() down} (connections refused) and {@linkplain #up()
 * back}, {@linkplain #delay(Duration) slow} (each answer held back), and it can answer chosen operations itself with
 * an S3 error ({@link #fail}): 412 PreconditionFailed, 503 SlowDown, as S3 does. Every request it sees is recorded
 * ({@link #requests()}), with whether it was passed on.
 *
 * <p>One request per connection ({@code Connection: close}); the S3 client opens a new one as needed.
 */
public final class S3FaultProxy implements AutoCloseable {
    private static final Set<String> NOT_FORWARDED =
            Set.of("host", "content-length", "connection", "expect", "upgrade", "transfer-encoding", "keep-alive");

    /** The S3 operations a fault can be aimed at (path-style requests to an object). */
    public enum Operation {
        GET_OBJECT,
        PUT_OBJECT,
        OTHER;

        static Operation of(String method, String key, String query) {
            if (key.isEmpty()) {
                return OTHER;
            }
            return switch (method) {
                case "GET" -> query.isEmpty() ? GET_OBJECT : OTHER;
                case "PUT" -> query.isEmpty() ? PUT_OBJECT : OTHER;
                default -> OTHER;
            };
        }
    }

    /** One request as seen: its operation, the object key (decoded; empty for a bucket request) and its fate. */
    public record Seen(String method, Operation operation, String key, int injectedStatus) {
        public boolean passedOn() {
            return injectedStatus == 0;
        }
    }

    private record Fault(Operation operation, String keyPrefix, int status, AtomicInteger remaining) {}

    private final URI upstream;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final int port;
    private volatile ServerSocket listener;
    private volatile Duration delay = Duration.ZERO;

    private S3FaultProxy(URI upstream) throws IOException {
        this.upstream = upstream;
        listener = bind(0);
        port = listener.getLocalPort();
        accept(listener);
    }

    /** Starts a proxy to the S3-compatible server at {@code upstream} on a free loopback port. */
    public static S3FaultProxy to(URI upstream) {
        try {
            return new S3FaultProxy(upstream);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The endpoint for the S3 client (AWS_ENDPOINT_URL_S3). */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Refuses connections until {@link #up()}. */
    public synchronized void down() {
        try {
            listener.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Accepts connections again, on the same port. */
    public synchronized void up() {
        if (!listener.isClosed()) {
            return;
        }
        try {
            listener = bind(port);
            accept(listener);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Holds every answer back by {@code delay} (zero: none). */
    public void delay(Duration delay) {
        this.delay = delay;
    }

    /**
     * Answers the next {@code times} requests of this operation on a key beginning with {@code keyPrefix} with this
     * S3 error status (412 PreconditionFailed, 503 SlowDown, 500 InternalError) instead of passing them on; a negative
     * {@code times} fails every one until {@link #heal()}.
     */
    public void fail(Operation operation, String keyPrefix, int status, int times) {
        faults.add(new Fault(operation, keyPrefix, status, new AtomicInteger(times < 0 ? Integer.MAX_VALUE : times)));
    }

    /** Ends every fault, the delay included, and listens again if down. */
    public void heal() {
        faults.clear();
        delay = Duration.ZERO;
        up();
    }

    /** Every request seen, oldest first. */
    public List<Seen> requests() {
        return List.copyOf(seen);
    }

    /** Forgets the requests seen so far. */
    public void clearRequests() {
        seen.clear();
    }

    @Override
    public void close() {
        down();
    }

    private static ServerSocket bind(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        return socket;
    }

    private void accept(ServerSocket server) {
        Thread.ofVirtual().name("s3-fault-proxy-accept").start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    Thread.ofVirtual().name("s3-fault-proxy").start(() -> serve(socket));
                } catch (IOException e) {
                    return; // closed by down()
                }
            }
        });
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            Optional<RawRequest> read = RawRequest.read(in, out);
            if (read.isEmpty()) {
                return;
            }
            RawRequest request = read.get();
            String key = keyOf(request.path());
            Operation operation = Operation.of(request.method(), key, request.query());
            Optional<Fault> fault = faults.stream()
                    .filter(f -> f.operation() == operation && key.startsWith(f.keyPrefix()))
                    .filter(f -> f.remaining().getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0)
                    .findFirst();
            seen.add(new Seen(
                    request.method(), operation, key, fault.map(Fault::status).orElse(0)));
            Duration wait = delay;
            if (!wait.isZero()) {
                Thread.sleep(wait);
            }
            if (fault.isPresent()) {
                writeS3Error(out, fault.get().status());
            } else {
                forward(request, out);
            }
        } catch (IOException e) {
            // the client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void forward(RawRequest request, OutputStream out) throws IOException, InterruptedException {
        HttpRequest.Builder upstreamRequest = HttpRequest.newBuilder(URI.create(upstream + request.target()))
                .timeout(Duration.ofSeconds(30))
                .method(
                        request.method(),
                        request.body().length == 0
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        for (Map.Entry<String, String> header : request.headers()) {
            if (!NOT_FORWARDED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                upstreamRequest.header(header.getKey(), header.getValue());
            }
        }
        HttpResponse<byte[]> response = client.send(upstreamRequest.build(), HttpResponse.BodyHandlers.ofByteArray());
        boolean head = request.method().equals("HEAD");
        var answer =
                new StringBuilder("HTTP/1.1 ").append(response.statusCode()).append(" Proxied\r\n");
        response.headers().map().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals(":status")
                    || (NOT_FORWARDED.contains(lower) && !(head && lower.equals("content-length")))) {
                return;
            }
            values.forEach(
                    value -> answer.append(name).append(": ").append(value).append("\r\n"));
        });
        if (!head) {
            answer.append("Content-Length: ").append(response.body().length).append("\r\n");
        }
        answer.append("Connection: close\r\n\r\n");
        out.write(answer.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!head) {
            out.write(response.body());
        }
        out.flush();
    }

    private static void writeS3Error(OutputStream out, int status) throws IOException {
        String code = switch (status) {
            case 412 -> "PreconditionFailed";
            case 503 -> "SlowDown";
            case 500 -> "InternalError";
            default -> "InjectedFailure";
        };
        String message = switch (status) {
            case 412 -> "At least one of the pre-conditions you specified did not hold";
            case 503 -> "Please reduce your request rate.";
            default -> "We encountered an internal error. Please try again.";
        };
        String requestId = UUID.randomUUID().toString();
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message
                        + "</Message><RequestId>" + requestId + "</RequestId></Error>")
                .getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + code + "\r\nContent-Type: application/xml\r\nx-amz-request-id: "
                + requestId + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    /** The object key of a path-style request ({@code /bucket/key}), decoded; empty for a request to the bucket. */
    private static String keyOf(String path) {
        int slash = path.indexOf('/', 1);
        return slash < 0
                ? ""
                : URLDecoder.decode(path.substring(slash + 1).replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
