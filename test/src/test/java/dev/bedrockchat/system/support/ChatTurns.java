package dev.bedrockchat.system.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bedrockchat.function.Sse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Chat turns against a running server, as the page and API clients send them, and what they left behind. */
public final class ChatTurns {
    private final Http http = new Http();
    private final LocalServer server;

    public ChatTurns(LocalServer server) {
        this.server = server;
    }

    /** A turn answered whole (JSON); {@code conversationId} null starts a conversation. */
    public Http.Reply json(String message, String conversationId) {
        return http.send(post(message, conversationId));
    }

    /** A turn asking for an event stream; the reply's body is the whole stream (or the error envelope). */
    public Http.Reply stream(String message, String conversationId) {
        return http.send(post(message, conversationId).header("Accept", "text/event-stream"));
    }

    /** {@code GET /api/conversations/{id}}. */
    public Http.Reply conversation(String id) {
        return http.get(server.uri("/api/conversations/" + id));
    }

    /** The messages of a stored conversation (which must be found). */
    public JsonNode messages(String id) {
        Http.Reply reply = conversation(id);
        if (reply.status() != 200) {
            throw new AssertionError("conversation " + id + " answered " + reply.status() + ": "
                    + reply.response().body());
        }
        return reply.json().path("messages");
    }

    /** Starts a conversation with one complete turn and returns its id. */
    public String newConversation(String message) {
        Http.Reply reply = json(message, null);
        if (reply.status() != 200) {
            throw new AssertionError("the first turn answered " + reply.status() + ": "
                    + reply.response().body());
        }
        return reply.json().path("conversationId").asText();
    }

    /** Waits until the conversation's messages satisfy {@code condition}, or gives up after {@code timeout}. */
    public JsonNode awaitMessages(String id, Predicate<JsonNode> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode messages = null;
        while (System.nanoTime() < deadline) {
            Http.Reply reply = conversation(id);
            if (reply.status() == 200) {
                messages = reply.json().path("messages");
                if (condition.test(messages)) {
                    return messages;
                }
            }
            pause(Duration.ofMillis(50));
        }
        throw new AssertionError(
                "conversation " + id + " did not reach the expected state in " + timeout + "; last seen: " + messages);
    }

    /** The events of a streamed reply. */
    public static List<Sse.Event> events(Http.Reply reply) {
        return Sse.parse(reply.response().body());
    }

    /** The one event of this name in a stream. */
    public static Sse.Event event(List<Sse.Event> events, String name) {
        List<Sse.Event> named =
                events.stream().filter(e -> e.name().equals(name)).toList();
        if (named.size() != 1) {
            throw new AssertionError("expected one '" + name + "' event, got " + named.size() + " in " + events);
        }
        return named.getFirst();
    }

    /** The artifact of a request in a local data folder ({@code artifacts/date=…/…-<requestId>.json}), if written. */
    public static Optional<JsonNode> localArtifact(Path dataDir, String requestId) {
        Path artifacts = dataDir.resolve("artifacts");
        if (!Files.isDirectory(artifacts)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(artifacts)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-" + requestId + ".json"))
                    .findFirst()
                    .map(ChatTurns::read);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode read(Path file) {
        try {
            return Http.parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpRequest.Builder post(String message, String conversationId) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("message", message);
        if (conversationId != null) {
            body.put("conversationId", conversationId);
        }
        return HttpRequest.newBuilder(server.uri("/api/chat"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
