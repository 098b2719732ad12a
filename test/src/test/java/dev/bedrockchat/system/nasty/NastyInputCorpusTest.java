package dev.bedrockchat.system.nasty;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.system.support.Http;
import dev.bedrockchat.system.support.LocalServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A fixed corpus of nasty requests ({@code corpus/nasty-requests.txt}: deep JSON, huge strings, malformed UTF-8, NUL
 * bytes, traversal in ids and paths, header injection, oversized and too many headers, bad Content-Length, CONNECT,
 * {@code OPTIONS *}, {@code %ZZ}, slow clients), each sent over a plain socket to the real jar. Each gets its
 * documented status (never a 500, never a hang: the socket's read timeout fails the test), with the request id and
 * the security headers, and for an error the JSON envelope naming the same request id; every one is logged; and the
 * server answers its health check after the whole corpus.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NastyInputCorpusTest {
    private static final int READ_TIMEOUT_MS = 15_000;
    private static final Pattern REQUEST_ID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private LocalServer server;
    private final List<String> requestIds = new CopyOnWriteArrayList<>();

    /** One request of the corpus. */
    record Entry(String name, int expect, String send, List<String> head, String body) {}

    /** What came back. */
    record Answer(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    @BeforeAll
    void start() {
        server = LocalServer.start(
                "nasty-input",
                Map.of(
                        "CHAT_MODE", "offline",
                        "HTTP_HEAD_TIMEOUT_SECONDS", "2",
                        "HTTP_BODY_TIMEOUT_SECONDS", "2"));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @TestFactory
    @Order(1)
    Stream<DynamicTest> eachNastyRequestGetsItsDocumentedAnswer() {
        return corpus().stream().map(entry -> DynamicTest.dynamicTest(entry.name(), () -> check(entry)));
    }

    @Test
    @Order(2)
    void theServerStaysHealthyAndLogsEveryRequestOfTheCorpus() {
        Http.Reply health = new Http().get(server.uri("/api/health"));

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asText()).isEqualTo("ok");
        assertThat(requestIds).hasSize(corpus().size());
        String log = server.logText();
        assertThat(requestIds).allSatisfy(id -> assertThat(log).contains("\"requestId\":\"" + id + "\""));
        assertThat(log).doesNotContain("\"status\":500");
    }

    private void check(Entry entry) throws IOException {
        Answer answer = send(entry);

        assertThat(answer.status()).as("status").isEqualTo(entry.expect());
        String requestId = answer.header("x-request-id");
        assertThat(requestId).as("x-request-id").matches(REQUEST_ID);
        requestIds.add(requestId);
        assertThat(answer.header("x-content-type-options")).isEqualTo("nosniff");
        assertThat(answer.header("x-frame-options")).isEqualTo("DENY");
        assertThat(answer.header("content-security-policy")).contains("default-src 'self'");
        if (answer.status() >= 400) {
            assertThat(answer.header("content-type")).startsWith("application/json");
            JsonNode error = Http.parse(new String(answer.body(), StandardCharsets.UTF_8))
                    .path("error");
            assertThat(error.path("code").asText()).isNotBlank();
            assertThat(error.path("message").asText()).isNotBlank().doesNotContain("Exception");
            assertThat(error.path("requestId").asText()).isEqualTo(requestId);
        }
    }

    private Answer send(Entry entry) throws IOException {
        byte[] body = entry.body() == null ? new byte[0] : bytes(entry.body());
        var request = new ByteArrayOutputStream();
        List<String> head = entry.head();
        for (int i = 0; i < head.size(); i++) {
            request.write(bytes(head.get(i).replace("{{length}}", Integer.toString(body.length))));
            if (!entry.send().equals("raw") || i < head.size() - 1) {
                request.write('\r');
                request.write('\n');
            }
        }
        if (entry.send().equals("whole") || entry.send().equals("trickle")) {
            request.write('\r');
            request.write('\n');
            request.write(body);
        }
        try (Socket socket = new Socket("127.0.0.1", server.baseUri().getPort())) {
            socket.setSoTimeout(READ_TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            try {
                if (entry.send().equals("trickle")) {
                    for (byte b : request.toByteArray()) {
                        if (in.available() > 0) {
                            break; // the server has answered
                        }
                        out.write(b);
                        out.flush();
                        Thread.sleep(300);
                    }
                } else {
                    out.write(request.toByteArray());
                    out.flush();
                }
            } catch (SocketException e) {
                // The server stopped reading (a request it refused early): its answer is still to be read.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return read(in, head.getFirst().startsWith("HEAD "));
        }
    }

    private static Answer read(InputStream in, boolean head) throws IOException {
        var headers = new LinkedHashMap<String, String>();
        String statusLine = line(in);
        if (statusLine == null) {
            throw new AssertionError("the server closed the connection without an answer");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            headers.putIfAbsent(
                    line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).trim());
        }
        byte[] body;
        if (head || status == 204 || status == 304) {
            body = new byte[0];
        } else if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            var bytes = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line(in).trim(), 16);
                    size > 0;
                    size = Integer.parseInt(line(in).trim(), 16)) {
                bytes.write(in.readNBytes(size));
                line(in);
            }
            body = bytes.toByteArray();
        } else {
            body = in.readAllBytes();
        }
        return new Answer(status, headers, body);
    }

    private static String line(InputStream in) throws IOException {
        var bytes = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (b == '\n') {
                String text = bytes.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            bytes.write(b);
        }
        return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.ISO_8859_1);
    }

    /** The corpus file's entries, in order. */
    static List<Entry> corpus() {
        String text;
        try (InputStream in = NastyInputCorpusTest.class.getResourceAsStream("/corpus/nasty-requests.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var entries = new ArrayList<Entry>();
        String[] blocks = text.split("\n=== ");
        for (int b = 1; b < blocks.length; b++) {
            List<String> lines = new ArrayList<>(List.of(blocks[b].split("\n", -1)));
            while (!lines.isEmpty() && lines.getLast().isEmpty()) {
                lines.removeLast();
            }
            String name = lines.removeFirst();
            int expect =
                    Integer.parseInt(lines.removeFirst().replace("expect:", "").trim());
            String send = "whole";
            if (lines.getFirst().startsWith("send:")) {
                send = lines.removeFirst().replace("send:", "").trim();
            }
            int separator = lines.indexOf("---");
            List<String> head = separator < 0 ? lines : lines.subList(0, separator);
            String body = separator < 0 ? null : String.join("\n", lines.subList(separator + 1, lines.size()));
            entries.add(new Entry(name, expect, send, expandLines(head), body == null ? null : expand(body)));
        }
        return entries;
    }

    private static final Pattern LINES = Pattern.compile("\\{\\{lines:(\\d+):(.*)}}");
    private static final Pattern REPEAT = Pattern.compile("\\{\\{repeat:(\\d+):(.*?)}}");

    private static List<String> expandLines(List<String> head) {
        var lines = new ArrayList<String>();
        for (String line : head) {
            Matcher many = LINES.matcher(line);
            if (many.matches()) {
                for (int i = 0; i < Integer.parseInt(many.group(1)); i++) {
                    lines.add(many.group(2).replace("{{i}}", Integer.toString(i)));
                }
            } else {
                lines.add(expand(line));
            }
        }
        return lines;
    }

    private static String expand(String text) {
        Matcher repeat = REPEAT.matcher(text);
        var expanded = new StringBuilder();
        while (repeat.find()) {
            repeat.appendReplacement(
                    expanded, Matcher.quoteReplacement(repeat.group(2).repeat(Integer.parseInt(repeat.group(1)))));
        }
        repeat.appendTail(expanded);
        return expanded.toString();
    }

    /** The bytes of a corpus text: {@code \xHH}, {@code \r}, {@code \n} and {@code \\} escapes, the rest as UTF-8. */
    static byte[] bytes(String text) {
        var bytes = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(i + 1);
                switch (next) {
                    case 'x' -> {
                        bytes.write(Integer.parseInt(text.substring(i + 2, i + 4), 16));
                        i += 3;
                        continue;
                    }
                    case 'r' -> {
                        bytes.write('\r');
                        i++;
                        continue;
                    }
                    case 'n' -> {
                        bytes.write('\n');
                        i++;
                        continue;
                    }
                    case '\\' -> {
                        bytes.write('\\');
                        i++;
                        continue;
                    }
                    default -> {}
                }
            }
            bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}
