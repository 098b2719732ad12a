package dev.bedrockchat.function;

import dev.bedrockchat.function.bedrock.BedrockChatModel;
import dev.bedrockchat.function.chat.ChatMessage;
import dev.bedrockchat.function.chat.Deadline;
import dev.bedrockchat.function.chat.ModelRequest;
import dev.bedrockchat.function.server.HttpTransport;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The whole chat path run once before a SnapStart snapshot, so that the snapshot holds its code loaded, linked and
 * compiled: a throwaway copy of the function (the offline stand-in as its model, a temporary folder as its store, no
 * sign-in, its log discarded) served by the function's own HTTP server on a loopback port, and driven over a socket
 * through a JSON turn, a streamed turn into the same conversation, the listing and the conversation. It also builds
 * the ConverseStream request of such a turn. Nothing calls Bedrock or the real store, and nothing of it is kept.
 */
final class Priming {
    /** How often the path is run: enough for the hottest methods to be compiled before the snapshot. */
    static final int ROUNDS = 3;

    private static final Pattern CONVERSATION_ID = Pattern.compile("\"conversationId\":\"([0-9a-f-]{36})\"");

    private final Config config;

    Priming(Config config) {
        this.config = config;
    }

    /** @return what was run, for the log line */
    Map<String, Object> run() {
        long started = System.nanoTime();
        Path dir;
        try {
            dir = Files.createTempDirectory("chat-priming-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int requests = 0;
        try (var discard = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
                Application copy = Application.builder(throwawayConfig(dir))
                        .logTo(discard)
                        .offlineDeltaDelay(Duration.ZERO)
                        .build();
                HttpTransport server = HttpTransport.start(copy.api(), "127.0.0.1", 0)) {
            for (int round = 0; round < ROUNDS; round++) {
                requests += drive(server.port());
                BedrockChatModel.streamRequest(new ModelRequest(
                        config.defaultModelId(),
                        config.systemPrompt(),
                        List.of(ChatMessage.user("priming"), ChatMessage.assistant("ok"), ChatMessage.user("again")),
                        config.maxTokens(),
                        config.temperature(),
                        Deadline.in(config.modelTimeout())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(dir);
        }
        var done = new java.util.LinkedHashMap<String, Object>();
        done.put("primingRequests", requests);
        done.put("primingMs", (System.nanoTime() - started) / 1_000_000);
        return done;
    }

    /** The function's own settings for the model and the answer, on the offline stand-in and a temporary folder. */
    private Config throwawayConfig(Path dir) {
        var env = new HashMap<String, String>();
        env.put("CHAT_MODE", "offline");
        env.put("HOST", "127.0.0.1");
        env.put("PORT", "0");
        env.put("CHAT_DATA_DIR", dir.toString());
        env.put("BEDROCK_MODEL_ID", config.defaultModelId());
        env.put("ALLOWED_MODEL_IDS", String.join(",", config.allowedModelIds()));
        env.put("AWS_REGION", config.region());
        env.put("ENVIRONMENT_NAME", config.environmentName());
        env.put("SYSTEM_PROMPT", config.systemPrompt());
        return Config.from(env, new Properties(), dir);
    }

    /** One round over a socket: JSON turn, streamed turn, listing, conversation; returns the requests made. */
    private static int drive(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            socket.setSoTimeout(10_000);
            var in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            String first = exchange(in, out, "POST", "/api/chat", "{\"message\":\"priming\"}", false);
            Matcher id = CONVERSATION_ID.matcher(first);
            if (!id.find()) {
                throw new IllegalStateException("the priming turn was not answered: " + first);
            }
            exchange(
                    in,
                    out,
                    "POST",
                    "/api/chat",
                    "{\"message\":\"again\",\"conversationId\":\"" + id.group(1) + "\"}",
                    true);
            exchange(in, out, "GET", "/api/conversations", null, false);
            exchange(in, out, "GET", "/api/conversations/" + id.group(1), null, false);
            exchange(in, out, "GET", "/api/health", null, false);
            return 5;
        }
    }

    private static String exchange(
            InputStream in, OutputStream out, String method, String path, String json, boolean stream)
            throws IOException {
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + (json == null ? "" : "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n")
                + (stream ? "Accept: text/event-stream\r\n" : "")
                + "\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        String status = line(in);
        long length = -1;
        boolean chunked = false;
        for (String field = line(in); !field.isEmpty(); field = line(in)) {
            String lower = field.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(field.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:")) {
                chunked = lower.contains("chunked");
            }
        }
        var text = new ByteArrayOutputStream();
        if (chunked) {
            for (int size = Integer.parseInt(line(in).trim(), 16);
                    size > 0;
                    size = Integer.parseInt(line(in).trim(), 16)) {
                text.write(in.readNBytes(size));
                line(in);
            }
            line(in);
        } else if (length > 0) {
            text.write(in.readNBytes((int) length));
        }
        if (!status.startsWith("HTTP/1.1 200")) {
            throw new IllegalStateException("priming " + method + " " + path + " answered " + status);
        }
        return text.toString(StandardCharsets.UTF_8);
    }

    private static String line(InputStream in) throws IOException {
        var text = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the priming server closed the connection");
            }
            if (b != '\r') {
                text.append((char) b);
            }
        }
        return text.toString();
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A temporary folder: nothing more to do.
        }
    }
}
