package dev.bedrockchat.function.server;

import static dev.bedrockchat.function.server.RawClient.head;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** close(): no new connections, idle ones closed at once, a running exchange allowed to finish (up to a second). */
class HttpServerShutdownTest {

    @Test
    void closingStopsAcceptingAndClosesIdleConnectionsAtOnce() {
        try (ServerUnderTest server = ServerUnderTest.start(Map.of());
                RawClient idle = server.connect()) {
            assertThat(idle.send(head("GET /api/health HTTP/1.1", "Host: localhost"))
                            .read()
                            .status())
                    .isEqualTo(200);
            int port = server.port();

            server.closeTransport();

            // Without the shutdown the kept-alive connection would wait out its 60 s idle timeout.
            assertThat(idle.closedByServerWithin(Duration.ofMillis(500))).isTrue();
            assertThatThrownBy(() -> new Socket().connect(new InetSocketAddress("127.0.0.1", port), 1000))
                    .isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void aStreamRunningAtShutdownIsAllowedToFinishAndEndsTheConnection() throws Exception {
        // About forty pieces 10 ms apart: the answer takes about half a second, within the second of grace.
        try (ServerUnderTest server = ServerUnderTest.start(Map.of(), Duration.ofMillis(10));
                Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            String chat = "{\"message\":\"a question at closing time\"}";
            OutputStream out = socket.getOutputStream();
            out.write(head(
                            "POST /api/chat HTTP/1.1",
                            "Host: localhost",
                            "Content-Type: application/json",
                            "Accept: text/event-stream",
                            "Content-Length: " + chat.length())
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(chat.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            var reader =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            var lines = new ArrayList<String>();
            readUntil(reader, lines, "data: {\"content\"");

            Thread closing = Thread.ofVirtual().start(server::closeTransport);
            readUntil(reader, lines, "data: [DONE]");
            // The event's blank line, the chunk's CRLF, the last chunk, then the end of the connection.
            assertThat(reader.readLine()).isEmpty();
            assertThat(reader.readLine()).isEmpty();
            assertThat(reader.readLine()).isEqualTo("0");
            assertThat(reader.readLine()).isEmpty();
            assertThat(reader.readLine()).isNull();
            closing.join();
            assertThat(lines).contains("event: done");
        }
    }

    private static void readUntil(BufferedReader reader, List<String> lines, String prefix) {
        try {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
                if (line.startsWith(prefix)) {
                    return;
                }
            }
            throw new AssertionError("The stream ended before " + prefix + ": " + lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
