package dev.bedrockchat.function.server;

import static dev.bedrockchat.function.server.RawClient.head;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The size limits of a request head (default values), the connection cap and the send timeout. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpServerLimitsTest {
    private ServerUnderTest server;

    @BeforeAll
    void start() {
        server = ServerUnderTest.start(Map.of());
    }

    @AfterAll
    void stop() {
        server.close();
    }

    /** The head's header section (field lines with their CRLF) has exactly this many bytes. */
    private static String headWithSection(int sectionBytes) {
        String host = "Host: localhost";
        String id = "x-request-id: section-" + sectionBytes;
        String prefix = "X-Pad: ";
        int used = (host.length() + 2) + (id.length() + 2) + prefix.length() + 2;
        return head("GET /api/health HTTP/1.1", host, id, prefix + "p".repeat(sectionBytes - used));
    }

    @Test
    void aHeaderSectionOfExactlyTheLimitIsServedAndOneByteMoreIsRefused() {
        try (RawClient client = server.connect()) {
            assertThat(client.send(headWithSection(32 * 1024)).read().status()).isEqualTo(200);
        }
        try (RawClient client = server.connect()) {
            RawClient.Response response =
                    client.send(headWithSection(32 * 1024 + 1)).read();

            JsonNode error = Refusals.assertRefused(server, response, 431, "HeadersTooLarge");
            assertThat(error.path("message").asText()).contains("32768 bytes").contains("100 fields");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void aOneMegabyteHeaderIsRefusedWith431() {
        try (RawClient client = server.connect()) {
            client.send("GET /api/health HTTP/1.1\r\nHost: localhost\r\nx-request-id: megabyte-header-1\r\n");
            client.sendInBackground(
                    ("X-Huge: " + "h".repeat(1024 * 1024) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            RawClient.Response response = client.read();

            JsonNode error = Refusals.assertRefused(server, response, 431, "HeadersTooLarge");
            // The fields before the huge one were read: the client's name for the request is in the log line.
            assertThat(server.requestLogOfClientId("megabyte-header-1")
                            .path("requestId")
                            .asText())
                    .isEqualTo(error.path("requestId").asText());
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void aThousandHeadersAreRefusedWith431() {
        var fields = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            fields.append("X-Field-").append(i).append(": ").append(i).append("\r\n");
        }
        try (RawClient client = server.connect()) {
            client.send("GET /api/health HTTP/1.1\r\nHost: localhost\r\n");
            client.sendInBackground((fields + "\r\n").getBytes(StandardCharsets.US_ASCII));
            RawClient.Response response = client.read();

            Refusals.assertRefused(server, response, 431, "HeadersTooLarge");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void aHundredHeadersAreServedAndOneMoreIsRefused() {
        for (int count : new int[] {100, 101}) {
            var lines = new ArrayList<String>();
            lines.add("GET /api/health HTTP/1.1");
            lines.add("Host: localhost");
            for (int i = 2; i < count; i++) {
                lines.add("X-Field-" + i + ": " + i);
            }
            lines.add("x-request-id: field-count-" + count);
            try (RawClient client = server.connect()) {
                RawClient.Response response =
                        client.send(head(lines.toArray(String[]::new))).read();
                if (count == 100) {
                    assertThat(response.status()).isEqualTo(200);
                } else {
                    Refusals.assertRefused(server, response, 431, "HeadersTooLarge");
                }
            }
        }
    }

    @Test
    void aRequestLineOfExactlyTheLimitIsRoutedAndOneByteMoreIsRefusedWith414() {
        String fixed = "GET  HTTP/1.1";
        String atLimit = "GET /" + "a".repeat(8 * 1024 - fixed.length() - 1) + " HTTP/1.1";
        assertThat(atLimit).hasSize(8 * 1024);
        try (RawClient client = server.connect()) {
            RawClient.Response response =
                    client.send(head(atLimit, "Host: localhost")).read();
            assertThat(response.status()).isEqualTo(404);
            assertThat(response.error().path("code").asText()).isEqualTo("NotFound");
        }
        String overLimit = "GET /" + "a".repeat(8 * 1024 - fixed.length()) + " HTTP/1.1";
        try (RawClient client = server.connect()) {
            RawClient.Response response =
                    client.send(head(overLimit, "Host: localhost")).read();

            JsonNode error = Refusals.assertRefused(server, response, 414, "UriTooLong");
            assertThat(error.path("message").asText()).contains("8192 bytes");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void connectionsBeyondTheCapGetServerBusyAndAFreedSlotIsUsedAgain() {
        try (ServerUnderTest capped = ServerUnderTest.start(Map.of("HTTP_MAX_CONNECTIONS", "2"))) {
            RawClient first = capped.connect();
            RawClient second = capped.connect();
            for (RawClient client : new RawClient[] {first, second}) {
                assertThat(client.send(head("GET /api/health HTTP/1.1", "Host: localhost"))
                                .read()
                                .status())
                        .isEqualTo(200);
            }
            try (RawClient third = capped.connect()) {
                RawClient.Response response = third.read();

                JsonNode error = Refusals.assertRefused(capped, response, 503, "ServerBusy");
                assertThat(error.path("message").asText()).contains("try again");
                assertThat(response.header("retry-after")).isEqualTo("1");
                assertThat(error.path("retryAfterSeconds").asInt()).isEqualTo(1);
                assertThat(capped.requestLog(error.path("requestId").asText())
                                .path("method")
                                .asText())
                        .isEqualTo("UNKNOWN");
                assertThat(third.closedByServer()).isTrue();
            }
            // The kept-alive connections still work.
            assertThat(first.send(head("GET /api/health HTTP/1.1", "Host: localhost"))
                            .read()
                            .status())
                    .isEqualTo(200);

            second.close();
            int status = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (status != 200 && System.nanoTime() < deadline) {
                try (RawClient next = capped.connect()) {
                    status = next.send(head("GET /api/health HTTP/1.1", "Host: localhost", "Connection: close"))
                            .read()
                            .status();
                }
            }
            assertThat(status).as("a connection after one was closed").isEqualTo(200);
            first.close();
        }
    }

    @Test
    void aClientThatStopsReadingIsDisconnectedAfterTheSendTimeout() throws Exception {
        Path site = Files.createTempDirectory("send-timeout");
        Files.write(site.resolve("big.bin"), new byte[32 * 1024 * 1024]);
        try (ServerUnderTest slowReaders =
                        ServerUnderTest.start(Map.of("HTTP_SEND_TIMEOUT_SECONDS", "1", "STATIC_DIR", site.toString()));
                RawClient client = RawClient.connect(slowReaders.port(), 4096)) {
            client.send(head("GET /big.bin HTTP/1.1", "Host: localhost", "x-request-id: never-reads-00001"));

            // The client reads nothing: the server's write blocks, and the watchdog closes the connection.
            JsonNode line = slowReaders.requestLogOfClientId("never-reads-00001");
            assertThat(line.path("status").asInt()).isEqualTo(200);
            assertThat(line.path("clientClosed").asBoolean()).isTrue();
        } finally {
            Files.delete(site.resolve("big.bin"));
            Files.delete(site);
        }
    }
}
