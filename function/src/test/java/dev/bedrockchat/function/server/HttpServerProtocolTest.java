package dev.bedrockchat.function.server;

import static dev.bedrockchat.function.server.RawClient.head;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.function.http.ContentTypes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** HTTP/1.1 as clients use it: keep-alive, pipelining, chunked bodies, 100-continue, HTTP/1.0, HEAD, streams. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpServerProtocolTest {
    private static final String CHAT = "{\"message\":\"hello there\"}";
    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    private ServerUnderTest server;

    @BeforeAll
    void start() {
        server = ServerUnderTest.start(Map.of());
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private static String chat(String... extraLines) {
        var lines = new java.util.ArrayList<String>();
        lines.add("POST /api/chat HTTP/1.1");
        lines.add("Host: localhost");
        lines.add("Content-Type: application/json");
        lines.add("Content-Length: " + CHAT.getBytes(StandardCharsets.UTF_8).length);
        lines.addAll(java.util.List.of(extraLines));
        return head(lines.toArray(String[]::new)) + CHAT;
    }

    /**
     * The client's name (its {@code x-request-id}) for the request a response answers: it never becomes the request
     * id, and the log line of the response's id carries it as {@code clientRequestId}.
     */
    private String clientIdOf(RawClient.Response response) {
        String requestId = response.header("x-request-id");
        assertThat(requestId).matches(UUID);
        return server.requestLog(requestId).path("clientRequestId").asText();
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOnOneConnection() {
        try (RawClient client = server.connect()) {
            client.send(head("GET /api/health HTTP/1.1", "Host: localhost", "x-request-id: pipelined-000001")
                    + chat("x-request-id: pipelined-000002")
                    + head("GET /api/models HTTP/1.1", "Host: localhost", "x-request-id: pipelined-000003")
                    + head(
                            "GET /api/health HTTP/1.1",
                            "Host: localhost",
                            "x-request-id: pipelined-000004",
                            "Connection: close"));

            RawClient.Response health = client.read();
            RawClient.Response answer = client.read();
            RawClient.Response models = client.read();
            RawClient.Response last = client.read();

            assertThat(health.status()).isEqualTo(200);
            assertThat(clientIdOf(health)).isEqualTo("pipelined-000001");
            assertThat(health.json().path("mode").asText()).isEqualTo("offline");
            assertThat(answer.status()).isEqualTo(200);
            assertThat(clientIdOf(answer)).isEqualTo("pipelined-000002");
            assertThat(answer.json().path("reply").asText()).contains("hello there");
            assertThat(clientIdOf(models)).isEqualTo("pipelined-000003");
            assertThat(models.json().path("models").isArray()).isTrue();
            assertThat(clientIdOf(last)).isEqualTo("pipelined-000004");
            assertThat(last.header("connection")).isEqualTo("close");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void aConnectionIsReusedForRequestAfterRequest() {
        try (RawClient client = server.connect()) {
            for (int i = 0; i < 20; i++) {
                RawClient.Response response = client.send(chat()).read();
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.header("connection")).isNull();
            }
            assertThat(client.closedByServerWithin(Duration.ofMillis(200))).isFalse();
        }
    }

    @Test
    void everyResponseCarriesTheDateInImfFixdate() {
        try (RawClient client = server.connect()) {
            String date = client.send(head("GET /api/health HTTP/1.1", "Host: localhost"))
                    .read()
                    .header("date");
            assertThat(date).matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
            assertThat(ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME))
                    .isBetween(
                            ZonedDateTime.now().minusMinutes(1),
                            ZonedDateTime.now().plusMinutes(1));
        }
    }

    @Test
    void aChunkedBodyWithExtensionsAndTrailersIsReadAndTheConnectionCarriesOn() {
        byte[] json = CHAT.getBytes(StandardCharsets.UTF_8);
        String body = "5;name=value\r\n" + CHAT.substring(0, 5) + "\r\n"
                + Integer.toHexString(json.length - 10).toUpperCase() + " ; ext\r\n"
                + CHAT.substring(5, json.length - 5)
                + "\r\n" + "5\r\n" + CHAT.substring(json.length - 5) + "\r\n"
                + "0\r\nX-Checksum: 1\r\nX-Other: two\r\n\r\n";
        try (RawClient client = server.connect()) {
            RawClient.Response response = client.send(head(
                                    "POST /api/chat HTTP/1.1",
                                    "Host: localhost",
                                    "Content-Type: application/json",
                                    "Transfer-Encoding: chunked",
                                    "x-request-id: chunked-body-0001")
                            + body
                            + head("GET /api/health HTTP/1.1", "Host: localhost", "x-request-id: after-chunked-01"))
                    .read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json().path("reply").asText()).contains("hello there");
            RawClient.Response next = client.read();
            assertThat(next.status()).isEqualTo(200);
            assertThat(clientIdOf(next)).isEqualTo("after-chunked-01");
        }
    }

    @Test
    void aChunkedBodyArrivingInPiecesIsReadWhole() {
        try (RawClient client = server.connect()) {
            client.send(head(
                    "POST /api/chat HTTP/1.1",
                    "Host: localhost",
                    "Content-Type: application/json",
                    "Transfer-Encoding: chunked"));
            for (String piece :
                    new String[] {"3", "\r", "\n{\"m", "\r\n", "16\r\nessage\":\"hello there\"}\r", "\n0\r\n", "\r\n"
                    }) {
                client.send(piece);
                ServerUnderTest.sleep(Duration.ofMillis(20));
            }
            RawClient.Response response = client.read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json().path("reply").asText()).contains("hello there");
        }
    }

    @Test
    void expectContinueGetsOneHundredContinueBeforeTheBodyIsSent() {
        try (RawClient client = server.connect()) {
            client.send(head(
                    "POST /api/chat HTTP/1.1",
                    "Host: localhost",
                    "Content-Type: application/json",
                    "Content-Length: " + CHAT.length(),
                    "Expect: 100-continue"));

            RawClient.Response interim = client.read();
            assertThat(interim.status()).isEqualTo(100);
            assertThat(interim.headers()).isEmpty();
            RawClient.Response response = client.send(CHAT).read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json().path("reply").asText()).contains("hello there");
            // The whole body was read: the connection stays open.
            assertThat(response.header("connection")).isNull();
            assertThat(client.send(head("GET /api/health HTTP/1.1", "Host: localhost"))
                            .read()
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void expectContinueIsNotAnsweredWhenTheRequestIsRefusedBeforeItsBody() {
        try (RawClient client = server.connect()) {
            RawClient.Response response = client.send(head(
                            "POST /api/chat HTTP/1.1",
                            "Host: localhost",
                            "Content-Type: text/plain",
                            "Content-Length: 20",
                            "Expect: 100-continue"))
                    .read();

            assertThat(response.status()).isEqualTo(415);
            assertThat(response.error().path("code").asText()).isEqualTo("UnsupportedMediaType");
            // The unread body cannot be told from the next request: the server closes.
            assertThat(response.header("connection")).isEqualTo("close");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void aSmallUnreadBodyThatHasArrivedIsDroppedAndTheConnectionCarriesOn() {
        try (RawClient client = server.connect()) {
            RawClient.Response response = client.send(head(
                                    "GET /api/health HTTP/1.1", "Host: localhost", "Content-Length: 5")
                            + "hello"
                            + head("GET /api/health HTTP/1.1", "Host: localhost", "x-request-id: after-unread-01"))
                    .read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("connection")).isNull();
            assertThat(clientIdOf(client.read())).isEqualTo("after-unread-01");
        }
    }

    @Test
    void http10ClosesAfterTheResponseUnlessItAsksForKeepAlive() {
        try (RawClient client = server.connect()) {
            RawClient.Response response =
                    client.send("GET /api/health HTTP/1.0\r\n\r\n").read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("connection")).isEqualTo("close");
            assertThat(client.closedByServer()).isTrue();
        }
        try (RawClient client = server.connect()) {
            RawClient.Response first = client.send("GET /api/health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                    .read();
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.header("connection")).isEqualTo("keep-alive");
            RawClient.Response second = client.send("GET /api/models HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                    .read();
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.json().path("default").asText()).isNotEmpty();
        }
    }

    @Test
    void aLaterMinorVersionIsServedAsHttp11AndEmptyLinesBeforeARequestAreSkipped() {
        try (RawClient client = server.connect()) {
            RawClient.Response response = client.send("\r\nGET /api/health HTTP/1.2\r\nHost: localhost\r\n\r\n")
                    .read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("connection")).isNull();
        }
    }

    @Test
    void aHeadResponseHasTheLengthOfTheGetsBodyButNoBody() {
        try (RawClient client = server.connect()) {
            client.send(head("HEAD /api/health HTTP/1.1", "Host: localhost")
                    + head("HEAD /api/chat HTTP/1.1", "Host: localhost")
                    + head("GET /api/health HTTP/1.1", "Host: localhost", "x-request-id: after-head-00001"));

            RawClient.Response head = client.readHeadResponse();
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-type")).isEqualTo(ContentTypes.JSON);
            // An error answered to HEAD has its length and no body either: this route takes POST only.
            RawClient.Response refused = client.readHeadResponse();
            assertThat(refused.status()).isEqualTo(405);
            assertThat(refused.header("allow")).isEqualTo("POST");
            assertThat(Integer.parseInt(refused.header("content-length"))).isPositive();
            assertThat(refused.header("connection")).isNull();
            // Had a body been written, it would be read here as the next status line.
            RawClient.Response get = client.read();
            assertThat(get.status()).isEqualTo(200);
            assertThat(clientIdOf(get)).isEqualTo("after-head-00001");
            assertThat(head.header("content-length")).isEqualTo(Integer.toString(get.body().length));
        }
    }

    @Test
    void aNoContentResponseHasNoLengthAndNoBody() {
        try (RawClient client = server.connect()) {
            String conversationId =
                    client.send(chat()).read().json().path("conversationId").asText();
            client.send(head("DELETE /api/conversations/" + conversationId + " HTTP/1.1", "Host: localhost")
                    + head("GET /api/health HTTP/1.1", "Host: localhost", "x-request-id: after-delete-001"));

            RawClient.Response deleted = client.read();
            assertThat(deleted.status()).isEqualTo(204);
            assertThat(deleted.header("content-length")).isNull();
            assertThat(clientIdOf(client.read())).isEqualTo("after-delete-001");
        }
    }

    @Test
    void methodsAreCaseSensitive() {
        try (RawClient client = server.connect()) {
            RawClient.Response response = client.send(head("get /api/health HTTP/1.1", "Host: localhost"))
                    .read();

            assertThat(response.status()).isEqualTo(405);
            assertThat(response.header("allow")).isEqualTo("GET, HEAD");
        }
    }

    @Test
    void anEventStreamGoesOutOneChunkPerEventAndTheConnectionCarriesOn() {
        try (RawClient client = server.connect()) {
            RawClient.Response stream =
                    client.send(chat("Accept: text/event-stream")).read();

            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.header("content-type")).startsWith("text/event-stream");
            assertThat(stream.header("transfer-encoding")).isEqualTo("chunked");
            assertThat(stream.header("content-length")).isNull();
            assertThat(stream.chunks()).hasSizeGreaterThan(3);
            // Each event was written and flushed on its own: one chunk each, ending with its blank line.
            for (String chunk : stream.chunks()) {
                assertThat(chunk).endsWith("\n\n");
                assertThat(chunk.indexOf("\n\n")).isEqualTo(chunk.length() - 2);
            }
            assertThat(stream.chunks().getFirst()).startsWith("event: start\n");
            assertThat(stream.chunks().getLast()).isEqualTo("data: [DONE]\n\n");
            assertThat(client.send(head("GET /api/health HTTP/1.1", "Host: localhost"))
                            .read()
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void anHttp10EventStreamEndsWithTheConnection() {
        try (RawClient client = server.connect()) {
            RawClient.Response stream = client.send("POST /api/chat HTTP/1.0\r\nContent-Type: application/json\r\n"
                            + "Accept: text/event-stream\r\nContent-Length: " + CHAT.length() + "\r\n\r\n" + CHAT)
                    .read();

            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.header("transfer-encoding")).isNull();
            assertThat(stream.header("connection")).isEqualTo("close");
            assertThat(stream.text()).startsWith("event: start\n").endsWith("data: [DONE]\n\n");
        }
    }

    @Test
    void everyAnsweredRequestHasOneLogLine() {
        String requestId;
        try (RawClient client = server.connect()) {
            requestId = client.send(
                            head("GET /api/health HTTP/1.1", "Host: localhost", "x-request-id: one-log-line-001"))
                    .read()
                    .header("x-request-id");
        }
        JsonNode line = server.requestLogOfClientId("one-log-line-001");
        assertThat(line.path("requestId").asText()).isEqualTo(requestId);
        assertThat(line.path("status").asInt()).isEqualTo(200);
        assertThat(server.requestLines().stream()
                        .filter(l -> l.path("clientRequestId").asText().equals("one-log-line-001"))
                        .count())
                .isEqualTo(1);
    }
}
