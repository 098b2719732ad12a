package dev.bedrockchat.function.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.Application;
import dev.bedrockchat.function.Config;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Predicate;

/**
 * The function in offline mode behind the HTTP server, started the way Main starts it: the configuration (HTTP_*
 * included) from an environment map, the transport with the configured limits, the log lines captured.
 */
final class ServerUnderTest implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Application application;
    private final HttpTransport transport;
    private final ByteArrayOutputStream log;

    private ServerUnderTest(Application application, HttpTransport transport, ByteArrayOutputStream log) {
        this.application = application;
        this.transport = transport;
        this.log = log;
    }

    static ServerUnderTest start(Map<String, String> environment) {
        return start(environment, Duration.ofMillis(1));
    }

    /** @param deltaDelay the pause of the offline stand-in between two pieces of a streamed answer */
    static ServerUnderTest start(Map<String, String> environment, Duration deltaDelay) {
        try {
            Path dataDir = Files.createTempDirectory("server-test");
            var env = new HashMap<String, String>();
            env.put("HOST", "127.0.0.1");
            env.put("PORT", "0");
            env.put("CHAT_MODE", "offline");
            env.put("CHAT_DATA_DIR", dataDir.toString());
            env.putAll(environment);
            Config config = Config.from(env, new Properties(), dataDir);
            var log = new ByteArrayOutputStream();
            Application application = Application.builder(config)
                    .logTo(new PrintStream(log, true, StandardCharsets.UTF_8))
                    .offlineDeltaDelay(deltaDelay)
                    .build();
            HttpTransport transport = HttpTransport.start(
                    application.api(), config.host(), config.port(), config.httpLimits(), config.behindWebAdapter());
            return new ServerUnderTest(application, transport, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return transport.port();
    }

    RawClient connect() {
        return RawClient.connect(port());
    }

    /** Stops the transport only (the shutdown tests watch it). */
    void closeTransport() {
        transport.close();
    }

    /** The complete structured log lines written so far. */
    List<JsonNode> logLines() {
        String text = log.toString(StandardCharsets.UTF_8);
        var lines = new ArrayList<JsonNode>();
        int start = 0;
        for (int end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
            String line = text.substring(start, end).strip();
            start = end + 1;
            if (!line.isEmpty()) {
                try {
                    lines.add(MAPPER.readTree(line));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return lines;
    }

    /** The request log lines written so far. */
    List<JsonNode> requestLines() {
        return logLines().stream()
                .filter(line -> line.path("type").asText().equals("request"))
                .toList();
    }

    Optional<JsonNode> findLogLine(Predicate<JsonNode> match) {
        return logLines().stream().filter(match).findFirst();
    }

    /** Waits (up to ten seconds) for the request log line of a request id. */
    JsonNode requestLog(String requestId) {
        return awaitRequestLine("requestId", requestId);
    }

    /**
     * Waits (up to ten seconds) for the request log line of the request a client named with its {@code x-request-id}
     * (logged as {@code clientRequestId}; it never becomes the request id).
     */
    JsonNode requestLogOfClientId(String clientRequestId) {
        return awaitRequestLine("clientRequestId", clientRequestId);
    }

    private JsonNode awaitRequestLine(String field, String value) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<JsonNode> line = findLogLine(l -> l.path("type").asText().equals("request")
                    && l.path(field).asText().equals(value));
            if (line.isPresent()) {
                return line.get();
            }
            sleep(Duration.ofMillis(10));
        }
        throw new AssertionError(
                "No request log line with " + field + " " + value + " in:\n" + log.toString(StandardCharsets.UTF_8));
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
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
}
