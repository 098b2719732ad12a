package dev.bedrockchat.function.server;

import static dev.bedrockchat.function.server.RawClient.head;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every request the server refuses itself, on a raw socket: the status, the API's JSON envelope with its code, a
 * message that says what to fix and the request id, the security headers, the log line, and the connection closed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpServerRejectionTest {
    /**
     * Stands for a name of its own the client gives each request it sends (its {@code x-request-id}, which the log
     * line carries as {@code clientRequestId} when it was read; the request id is always the server's).
     */
    private static final String REQUEST_ID = "REQUEST-ID";

    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    private final AtomicInteger requests = new AtomicInteger();
    private ServerUnderTest server;

    private String withOwnId(String request) {
        return request.replace(REQUEST_ID, "refused-" + 100_000 + requests.incrementAndGet());
    }

    @BeforeAll
    void start() {
        server = ServerUnderTest.start(Map.of());
    }

    @AfterAll
    void stop() {
        server.close();
    }

    static Stream<Arguments> refusedHeads() {
        String host = "Host: localhost";
        String id = "x-request-id: " + REQUEST_ID;
        return Stream.of(
                Arguments.of("GET /%ZZ HTTP/1.1\r\n" + host + "\r\n\r\n", 400, "ValidationError", "percent-escape"),
                Arguments.of(
                        "GET /api/conversations/% HTTP/1.1\r\n" + host + "\r\n\r\n",
                        400,
                        "ValidationError",
                        "percent-escape"),
                Arguments.of(
                        "GET /caf\u00e9 HTTP/1.1\r\n" + host + "\r\n\r\n",
                        400,
                        "ValidationError",
                        "must be percent-encoded"),
                Arguments.of(
                        "GET /a\"b HTTP/1.1\r\n" + host + "\r\n\r\n",
                        400,
                        "ValidationError",
                        "must be percent-encoded"),
                Arguments.of("GET /a b HTTP/1.1\r\n" + host + "\r\n\r\n", 400, "ValidationError", "single spaces"),
                Arguments.of("GET  /a HTTP/1.1\r\n" + host + "\r\n\r\n", 400, "ValidationError", "single spaces"),
                Arguments.of("GET /\r\n" + host + "\r\n\r\n", 400, "ValidationError", "single spaces"),
                Arguments.of("G@T / HTTP/1.1\r\n" + host + "\r\n\r\n", 400, "ValidationError", "token"),
                Arguments.of("GET / http/1.1\r\n" + host + "\r\n\r\n", 400, "ValidationError", "HTTP/1.1"),
                Arguments.of("GET / HTTP/1\r\n" + host + "\r\n\r\n", 400, "ValidationError", "HTTP/1.1"),
                Arguments.of("GET / HTTP/2.0\r\n" + host + "\r\n\r\n", 505, "HttpVersionNotSupported", "HTTP/1.1"),
                Arguments.of("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505, "HttpVersionNotSupported", "2.0"),
                Arguments.of("GET / HTTP/0.9\r\n" + host + "\r\n\r\n", 505, "HttpVersionNotSupported", "0.9"),
                Arguments.of(
                        "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
                        501,
                        "NotImplemented",
                        "not a proxy"),
                Arguments.of("OPTIONS * HTTP/1.1\r\n" + host + "\r\n\r\n", 501, "NotImplemented", "OPTIONS *"),
                Arguments.of("GET * HTTP/1.1\r\n" + host + "\r\n\r\n", 400, "ValidationError", "OPTIONS"),
                Arguments.of(
                        "GET http://example.com/api/health HTTP/1.1\r\nHost: example.com\r\n\r\n",
                        400,
                        "ValidationError",
                        "not a proxy"),
                Arguments.of(
                        "GET example.com:80 HTTP/1.1\r\n" + host + "\r\n\r\n",
                        400,
                        "ValidationError",
                        "starting with '/'"),
                Arguments.of(head("GET /api/health HTTP/1.1", id), 400, "ValidationError", "Host header"),
                Arguments.of(
                        head("GET /api/health HTTP/1.1", host, "Host: other", id), 400, "ValidationError", "one Host"),
                Arguments.of(
                        head("GET /api/health HTTP/1.1", "Host: local host", id), 400, "ValidationError", "host name"),
                Arguments.of(
                        head("GET /api/health HTTP/1.1", host, id, "Just a line without a colon"),
                        400,
                        "ValidationError",
                        "no colon"),
                Arguments.of(
                        head("GET /api/health HTTP/1.1", host, id, ": no name"), 400, "ValidationError", "not a token"),
                Arguments.of(
                        head("GET /api/health HTTP/1.1", host, id, "Accept : */*"),
                        400,
                        "ValidationError",
                        "no spaces before the colon"),
                Arguments.of(
                        head("GET /api/health HTTP/1.1", host, id, "X-Folded: a", " b"),
                        400,
                        "ValidationError",
                        "line folding"),
                Arguments.of(head("GET /api/health HTTP/1.1", " " + host, id), 400, "ValidationError", "line folding"),
                Arguments.of(
                        head("GET /api/health HTTP/1.1", host, id, "X-Nul: a\u0000b"),
                        400,
                        "ValidationError",
                        "byte 0x00"),
                Arguments.of(
                        head("GET /api/health HTTP/1.1", host, id, "X-Cr: a\rb"), 400, "ValidationError", "byte 0x0D"),
                Arguments.of("GET /api/health HTTP/1.1\nHost: localhost\n\n", 400, "ValidationError", "CRLF"),
                Arguments.of(
                        head("GET /api/health HTTP/1.1", host, id, "X-Bare: lf\nX-Next: 1"),
                        400,
                        "ValidationError",
                        "CRLF"),
                Arguments.of(
                        head("POST /api/chat HTTP/1.1", host, id, "Content-Length: abc"),
                        400,
                        "ValidationError",
                        "digits only"),
                Arguments.of(
                        head("POST /api/chat HTTP/1.1", host, id, "Content-Length: -1"),
                        400,
                        "ValidationError",
                        "digits only"),
                Arguments.of(
                        head("POST /api/chat HTTP/1.1", host, id, "Content-Length: +5"),
                        400,
                        "ValidationError",
                        "digits only"),
                Arguments.of(
                        head("POST /api/chat HTTP/1.1", host, id, "Content-Length: 0x10"),
                        400,
                        "ValidationError",
                        "digits only"),
                Arguments.of(
                        head("POST /api/chat HTTP/1.1", host, id, "Content-Length:"),
                        400,
                        "ValidationError",
                        "digits only"),
                Arguments.of(
                        head("POST /api/chat HTTP/1.1", host, id, "Content-Length: 1, 2"),
                        400,
                        "ValidationError",
                        "different values"),
                Arguments.of(
                        head("POST /api/chat HTTP/1.1", host, id, "Content-Length: 5", "Content-Length: 6"),
                        400,
                        "ValidationError",
                        "different values"),
                Arguments.of(
                        head("POST /api/chat HTTP/1.1", host, id, "Content-Length: 123456789012345678901"),
                        413,
                        "PayloadTooLarge",
                        "KiB"),
                Arguments.of(
                        head("POST /api/chat HTTP/1.1", host, id, "Content-Length: 5", "Transfer-Encoding: chunked"),
                        400,
                        "ValidationError",
                        "not both"),
                Arguments.of(
                        head("POST /api/chat HTTP/1.1", host, id, "Transfer-Encoding: gzip, chunked"),
                        501,
                        "NotImplemented",
                        "gzip, chunked"),
                Arguments.of(
                        head(
                                "POST /api/chat HTTP/1.1",
                                host,
                                id,
                                "Transfer-Encoding: gzip",
                                "Transfer-Encoding: chunked"),
                        501,
                        "NotImplemented",
                        "gzip, chunked"),
                Arguments.of(
                        head("POST /api/chat HTTP/1.1", host, id, "Transfer-Encoding: gzip"),
                        400,
                        "ValidationError",
                        "last transfer coding"),
                Arguments.of(
                        head("POST /api/chat HTTP/1.1", host, id, "Transfer-Encoding: chunked, gzip"),
                        400,
                        "ValidationError",
                        "last transfer coding"),
                Arguments.of(
                        head("POST /api/chat HTTP/1.1", host, id, "Transfer-Encoding: chunked, chunked"),
                        400,
                        "ValidationError",
                        "only once"),
                Arguments.of(
                        head("POST /api/chat HTTP/1.1", host, id, "Transfer-Encoding:"),
                        400,
                        "ValidationError",
                        "empty"),
                Arguments.of(
                        head("POST /api/chat HTTP/1.0", id, "Transfer-Encoding: chunked"),
                        400,
                        "ValidationError",
                        "HTTP/1.0"));
    }

    @ParameterizedTest
    @MethodSource("refusedHeads")
    void aMalformedHeadIsRefusedWithTheEnvelopeAndTheConnectionCloses(
            String request, int status, String code, String advice) {
        try (RawClient client = server.connect()) {
            RawClient.Response response = client.send(withOwnId(request)).read();

            JsonNode error = Refusals.assertRefused(server, response, status, code);
            assertThat(error.path("message").asText()).contains(advice);
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void aRefusedRequestGetsAnIdOfItsOwnAndTheClientsIdIsLoggedWhenItsHeaderWasRead() {
        try (RawClient client = server.connect()) {
            RawClient.Response response = client.send(
                            head("GET /api/health HTTP/1.1", "x-request-id: refused-known-0001", "Broken line"))
                    .read();

            JsonNode error = Refusals.assertRefused(server, response, 400, "ValidationError");
            String requestId = error.path("requestId").asText();
            assertThat(requestId).matches(UUID).isNotEqualTo("refused-known-0001");
            JsonNode line = server.requestLogOfClientId("refused-known-0001");
            assertThat(line.path("requestId").asText()).isEqualTo(requestId);
            assertThat(line.path("method").asText()).isEqualTo("GET");
            assertThat(line.path("route").asText()).isEqualTo("unmatched");
        }
    }

    @Test
    void behindTheWebAdapterARefusedRequestTakesApiGatewaysIdWhenTheAdaptersHeaderWasRead() {
        String apiGatewayId = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef";
        try (ServerUnderTest behind = ServerUnderTest.start(
                Map.of("AWS_LAMBDA_EXEC_WRAPPER", "/opt/bootstrap", "AWS_LAMBDA_FUNCTION_NAME", "chat-dev"))) {
            try (RawClient client = behind.connect()) {
                RawClient.Response response = client.send(head(
                                "GET /api/health HTTP/1.1",
                                "Host: localhost",
                                "x-amzn-request-context: {\"requestId\":\"" + apiGatewayId + "\",\"stage\":\"live\"}",
                                "x-request-id: refused-adapter-01",
                                "Broken line"))
                        .read();

                JsonNode error = Refusals.assertRefused(behind, response, 400, "ValidationError");
                assertThat(error.path("requestId").asText()).isEqualTo(apiGatewayId);
                assertThat(behind.requestLog(apiGatewayId)
                                .path("clientRequestId")
                                .asText())
                        .isEqualTo("refused-adapter-01");
            }
            // Refused before any header field was read: a new id, as for any request without one from the adapter.
            try (RawClient client = behind.connect()) {
                RawClient.Response response =
                        client.send("GET / HTTP/2.0\r\n\r\n").read();

                JsonNode error = Refusals.assertRefused(behind, response, 505, "HttpVersionNotSupported");
                assertThat(error.path("requestId").asText()).matches(UUID);
            }
        }
    }

    @Test
    void aRefusedHeadRequestGetsNoBody() {
        try (RawClient client = server.connect()) {
            RawClient.Response response =
                    client.send("HEAD /%ZZ HTTP/1.1\r\nHost: localhost\r\n\r\n").readHeadResponse();

            assertThat(response.status()).isEqualTo(400);
            assertThat(Integer.parseInt(response.header("content-length"))).isPositive();
            assertThat(response.header("connection")).isEqualTo("close");
            // Nothing follows the head: the next read is the end of the stream.
            assertThat(client.closedByServer()).isTrue();
        }
    }

    static Stream<Arguments> refusedChunkedBodies() {
        return Stream.of(
                Arguments.of("zz\r\n{}\r\n0\r\n\r\n", 400, "ValidationError", "size in hex"),
                Arguments.of("2\r\n{}XX0\r\n\r\n", 400, "ValidationError", "followed by CRLF"),
                Arguments.of("2 \r\n{}\r\n0\r\n\r\n", 400, "ValidationError", "not whitespace"),
                Arguments.of("2x\r\n{}\r\n0\r\n\r\n", 400, "ValidationError", "';' extension"),
                Arguments.of("2;a=\u0001\r\n{}\r\n0\r\n\r\n", 400, "ValidationError", "byte 0x01"),
                Arguments.of("2\n{}\r\n0\r\n\r\n", 400, "ValidationError", "CRLF"),
                Arguments.of("1000000000000000\r\n", 413, "PayloadTooLarge", "chunk"),
                Arguments.of("2\r\n{}\r\n0\r\n" + "X-T: 1\r\n".repeat(101) + "\r\n", 431, "HeadersTooLarge", "trailer"),
                Arguments.of("2\r\n{}\r\n0\r\nbad trailer\r\n\r\n", 400, "ValidationError", "no colon"));
    }

    @ParameterizedTest
    @MethodSource("refusedChunkedBodies")
    void aBrokenChunkedBodyIsRefusedByTheRouteThatReadsIt(String body, int status, String code, String advice) {
        try (RawClient client = server.connect()) {
            RawClient.Response response = client.send(withOwnId(head(
                                    "POST /api/chat HTTP/1.1",
                                    "Host: localhost",
                                    "Content-Type: application/json",
                                    "Transfer-Encoding: chunked",
                                    "x-request-id: " + REQUEST_ID)
                            + body))
                    .read();

            JsonNode error = Refusals.assertRefused(server, response, status, code);
            assertThat(error.path("message").asText()).contains(advice);
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void chunkExtensionsBeyondTheirLimitAreRefused() {
        String extension = ";" + "e".repeat(1000);
        String body = ("1" + extension + "\r\n{\r\n").repeat(17) + "0\r\n\r\n";
        try (RawClient client = server.connect()) {
            RawClient.Response response = client.send(head(
                                    "POST /api/chat HTTP/1.1",
                                    "Host: localhost",
                                    "Content-Type: application/json",
                                    "Transfer-Encoding: chunked")
                            + body)
                    .read();

            JsonNode error = Refusals.assertRefused(server, response, 400, "ValidationError");
            assertThat(error.path("message").asText()).contains("chunk extensions");
        }
    }

    @Test
    void aBodyOverTheLimitIsRefusedByTheApiAndTheConnectionCloses() {
        byte[] body = ("{\"message\":\"" + "x".repeat(300 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
        try (RawClient client = server.connect()) {
            client.send(head(
                    "POST /api/chat HTTP/1.1",
                    "Host: localhost",
                    "Content-Type: application/json",
                    "Content-Length: " + body.length));
            client.sendInBackground(body);
            RawClient.Response response = client.read();

            Refusals.assertRefused(server, response, 413, "PayloadTooLarge");
            assertThat(client.closedByServer()).isTrue();
        }
    }
}
