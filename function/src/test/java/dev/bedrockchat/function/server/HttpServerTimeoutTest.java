package dev.bedrockchat.function.server;

import static dev.bedrockchat.function.server.RawClient.head;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Clients that send too slowly or not at all do not hold connections: heads and bodies have time limits (one second
 * here), idle connections are closed without a word, and a refused body is not waited for.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpServerTimeoutTest {
    private static final Duration LIMIT = Duration.ofSeconds(1);

    private ServerUnderTest server;

    @BeforeAll
    void start() {
        server = ServerUnderTest.start(Map.of(
                "HTTP_HEAD_TIMEOUT_SECONDS", "1",
                "HTTP_BODY_TIMEOUT_SECONDS", "1",
                "HTTP_IDLE_TIMEOUT_SECONDS", "1"));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void aHeadTrickledInIsCutOffAtTheHeadTimeoutHoweverSteadilyBytesArrive() {
        try (RawClient client = server.connect()) {
            long start = System.nanoTime();
            client.send("GET /api/health HTTP/1.1\r\nHost: localhost\r\nx-request-id: slow-loris-000001\r\n");
            // A byte every 50 ms: each read gets something, and still the whole head must be in by the deadline.
            Thread trickle = client.trickle("X-Padding: " + "a".repeat(200) + "\r\n", Duration.ofMillis(50));
            RawClient.Response response = client.read();
            Duration waited = Duration.ofNanos(System.nanoTime() - start);

            JsonNode error = Refusals.assertRefused(server, response, 408, "RequestTimeout");
            assertThat(error.path("message").asText()).contains("within 1 s");
            assertThat(server.requestLogOfClientId("slow-loris-000001")
                            .path("requestId")
                            .asText())
                    .isEqualTo(error.path("requestId").asText());
            assertThat(waited).isGreaterThanOrEqualTo(LIMIT.minusMillis(200));
            assertThat(trickle.isAlive()).as("the trickle was still going").isTrue();
            assertThat(client.closedByServer()).isTrue();
            trickle.interrupt();
        }
    }

    @Test
    void aPartialRequestLineGetsRequestTimeout() {
        try (RawClient client = server.connect()) {
            RawClient.Response response = client.send("GET /api/hea").read();

            Refusals.assertRefused(server, response, 408, "RequestTimeout");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void aStalledBodyGetsRequestTimeoutFromTheRouteThatReadsIt() {
        try (RawClient client = server.connect()) {
            RawClient.Response response = client.send(head(
                                    "POST /api/chat HTTP/1.1",
                                    "Host: localhost",
                                    "Content-Type: application/json",
                                    "Content-Length: 100",
                                    "x-request-id: stalled-body-0001")
                            + "{\"message\":")
                    .read();

            JsonNode error = Refusals.assertRefused(server, response, 408, "RequestTimeout");
            assertThat(error.path("message").asText()).contains("body stalled for 1 s");
            JsonNode line = server.requestLogOfClientId("stalled-body-0001");
            assertThat(line.path("requestId").asText())
                    .isEqualTo(error.path("requestId").asText());
            assertThat(line.path("route").asText()).isEqualTo("/api/chat");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void aStalledChunkedBodyGetsRequestTimeout() {
        try (RawClient client = server.connect()) {
            RawClient.Response response = client.send(head(
                                    "POST /api/chat HTTP/1.1",
                                    "Host: localhost",
                                    "Content-Type: application/json",
                                    "Transfer-Encoding: chunked")
                            + "5\r\n{\"mes\r\n")
                    .read();

            Refusals.assertRefused(server, response, 408, "RequestTimeout");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedSilently() {
        try (RawClient client = server.connect()) {
            RawClient.Response first = client.send(head("GET /api/health HTTP/1.1", "Host: localhost"))
                    .read();
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.header("connection")).isNull();
            // The API writes a request's log line once its response is out: wait for it before counting.
            server.requestLog(first.header("x-request-id"));
            int linesBefore = server.requestLines().size();
            long start = System.nanoTime();

            assertThat(client.closedByServer()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(LIMIT.minusMillis(200));
            assertThat(server.requestLines()).hasSize(linesBefore);
        }
    }

    @Test
    void aConnectionThatNeverSendsIsClosedSilentlyAfterTheHeadTimeout() {
        int linesBefore = server.requestLines().size();
        try (RawClient client = server.connect()) {
            assertThat(client.closedByServerWithin(Duration.ofMillis(500))).isFalse();
            assertThat(client.closedByServer()).isTrue();
        }
        assertThat(server.requestLines()).hasSize(linesBefore);
    }

    @Test
    void aDeclaredBodyOverTheLimitIsRefusedAtOnceAndNotWaitedFor() {
        try (RawClient client = server.connect()) {
            // The client holds the body back until it hears 100 Continue, which never comes.
            RawClient.Response response = client.send(head(
                            "POST /api/chat HTTP/1.1",
                            "Host: localhost",
                            "Content-Type: application/json",
                            "Content-Length: 10485760",
                            "Expect: 100-continue"))
                    .read();

            Refusals.assertRefused(server, response, 413, "PayloadTooLarge");
            // The server ends the connection itself: it does not wait out a body that never comes.
            assertThat(client.closedByServerWithin(Duration.ofMillis(500))).isTrue();
        }
    }

    @Test
    void aDeclaredBodyOverTheLimitWithoutExpectIsRefusedWithoutReadingIt() {
        try (RawClient client = server.connect()) {
            RawClient.Response response = client.send(head(
                                    "POST /api/chat HTTP/1.1",
                                    "Host: localhost",
                                    "Content-Type: application/json",
                                    "Content-Length: 10485760")
                            + "{\"message\":\"")
                    .read();

            Refusals.assertRefused(server, response, 413, "PayloadTooLarge");
            assertThat(client.closedByServerWithin(Duration.ofMillis(500))).isTrue();
        }
    }
}
