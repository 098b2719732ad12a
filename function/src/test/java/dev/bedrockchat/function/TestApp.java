package dev.bedrockchat.function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.server.HttpTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Predicate;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The function running in the test JVM, on a random port, over real HTTP: the configuration comes from an
 * environment map, the credentials are fake and static, the log lines are captured.
 */
public final class TestApp implements AutoCloseable {
    public static final StaticCredentialsProvider FAKE_CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTESTTESTTESTTEST", "test-secret-key"));

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Application application;
    private final HttpTransport transport;
    private final HttpClient http;
    private final Path dataDir;
    private final ByteArrayOutputStream logBuffer;

    private TestApp(Application application, HttpTransport transport, Path dataDir, ByteArrayOutputStream logBuffer) {
        this.application = application;
        this.transport = transport;
        this.dataDir = dataDir;
        this.logBuffer = logBuffer;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Starts the function with the given environment (plus a fresh data folder, HOST and PORT 0). */
    public static TestApp start(Map<String, String> environment) {
        return start(environment, builder -> {});
    }

    /**
     * {@link #start(Map)}, with the application's builder adjusted before it builds (another clock or credentials
     * provider, say).
     */
    public static TestApp start(Map<String, String> environment, Consumer<Application.Builder> adjust) {
        try {
            Path dataDir = Files.createTempDirectory("chat-data");
            var env = new HashMap<String, String>();
            env.put("HOST", "127.0.0.1");
            env.put("PORT", "0");
            env.put("CHAT_DATA_DIR", dataDir.toString());
            env.putAll(environment);
            var logBuffer = new ByteArrayOutputStream();
            var log = new PrintStream(new SynchronizedOutput(logBuffer), true, StandardCharsets.UTF_8);
            Config config = Config.from(env, new Properties(), dataDir);
            Application.Builder builder = Application.builder(config)
                    .credentialsProvider(FAKE_CREDENTIALS)
                    .logTo(log)
                    .offlineDeltaDelay(Duration.ofMillis(2))
                    .artifactBackoff(List.of(Duration.ofMillis(5), Duration.ofMillis(10)));
            adjust.accept(builder);
            Application application = builder.build();
            HttpTransport transport = HttpTransport.start(
                    application.api(), config.host(), config.port(), config.httpLimits(), config.behindWebAdapter());
            return new TestApp(application, transport, dataDir, logBuffer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bedrock mode against the stub. */
    public static TestApp againstStub(URI stubEndpoint, Map<String, String> environment) {
        return againstStub(stubEndpoint, environment, builder -> {});
    }

    /** {@link #againstStub(URI, Map)} with the application's builder adjusted. */
    public static TestApp againstStub(
            URI stubEndpoint, Map<String, String> environment, Consumer<Application.Builder> adjust) {
        var env = new HashMap<String, String>();
        env.put("CHAT_MODE", "bedrock");
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", stubEndpoint.toString());
        env.putAll(environment);
        return start(env, adjust);
    }

    /** The request id the function gave a response ({@code x-request-id}). */
    public static String requestId(HttpResponse<?> response) {
        return response.headers().firstValue("x-request-id").orElseThrow();
    }

    public Application application() {
        return application;
    }

    public int port() {
        return transport.port();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    public Path dataDir() {
        return dataDir;
    }

    public HttpClient http() {
        return http;
    }

    public HttpResponse<String> get(String path, String... headers) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), headers);
    }

    public HttpResponse<String> delete(String path, String... headers) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE(), headers);
    }

    public HttpResponse<String> method(String method, String path, String... headers) {
        return send(HttpRequest.newBuilder(uri(path)).method(method, HttpRequest.BodyPublishers.noBody()), headers);
    }

    /** POST with a JSON body (Content-Type: application/json unless the headers say otherwise). */
    public HttpResponse<String> postJson(String path, String json, String... headers) {
        var builder = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(json));
        boolean hasType = false;
        for (int i = 0; i < headers.length; i += 2) {
            hasType |= headers[i].equalsIgnoreCase("Content-Type");
        }
        if (!hasType) {
            builder.header("Content-Type", "application/json");
        }
        return send(builder, headers);
    }

    /** POST /api/chat asking for server-sent events; the whole stream is read. */
    public HttpResponse<String> chatStream(String json, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Accept";
        all[1] = "text/event-stream";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return postJson("/api/chat", json, all);
    }

    public HttpResponse<String> send(HttpRequest.Builder builder, String... headers) {
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(
                    builder.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(HttpResponse<String> response) {
        return json(response.body());
    }

    public static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The structured log lines written so far. */
    public List<JsonNode> logLines() {
        String text;
        synchronized (logBuffer) {
            text = logBuffer.toString(StandardCharsets.UTF_8);
        }
        var lines = new ArrayList<JsonNode>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                lines.add(json(line));
            }
        }
        return lines;
    }

    public String rawLog() {
        synchronized (logBuffer) {
            return logBuffer.toString(StandardCharsets.UTF_8);
        }
    }

    /** Waits (up to five seconds) for a log line, as request lines are written once a response is complete. */
    public JsonNode awaitLogLine(Predicate<JsonNode> match) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode line : logLines()) {
                if (match.test(line)) {
                    return line;
                }
            }
            sleep(20);
        }
        throw new AssertionError("No such log line in:\n" + rawLog());
    }

    public JsonNode requestLog(String requestId) {
        return awaitLogLine(line -> line.path("type").asText().equals("request")
                && line.path("requestId").asText().equals(requestId));
    }

    /** The artifacts written so far, as JSON. */
    public List<JsonNode> artifacts() {
        Path dir = dataDir.resolve("artifacts");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".json"))
                    .map(p -> {
                        try {
                            return MAPPER.readTree(p.toFile());
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits (up to five seconds) for the artifact of a request. */
    public JsonNode awaitArtifact(String requestId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode artifact : artifacts()) {
                if (artifact.path("requestId").asText().equals(requestId)) {
                    return artifact;
                }
            }
            sleep(20);
        }
        throw new AssertionError("No artifact for request " + requestId);
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        transport.close();
        application.close();
    }

    /** Collects log output from many threads without interleaving lines. */
    private static final class SynchronizedOutput extends java.io.OutputStream {
        private final ByteArrayOutputStream target;

        SynchronizedOutput(ByteArrayOutputStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) {
            synchronized (target) {
                target.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            synchronized (target) {
                target.write(b, off, len);
            }
        }
    }
}
