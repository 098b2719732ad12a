package dev.bedrockchat.system.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's own HTTP/1.1 client on one kept-alive socket: it writes a request and reads the answer byte by byte
 * as it arrives, so that the moment an event is complete is the moment it was read (no client library's buffering or
 * thread hand-off between the socket and the clock). Streams are read as chunked server-sent events.
 */
final class BenchClient implements AutoCloseable {
    /** One server-sent event and the {@link System#nanoTime()} at which its last byte was read. */
    record Event(String name, String data, long receivedAtNanos) {}

    /** An answer: the status, the body (for a non-streamed answer) and the events (for a stream). */
    record Answer(int status, String body, List<Event> events) {
        Event first(String name) {
            return events.stream()
                    .filter(e -> e.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no '" + name + "' event in " + events));
        }
    }

    private final InetSocketAddress address;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    BenchClient(int port) {
        this.address = new InetSocketAddress("127.0.0.1", port);
    }

    Answer get(String path) throws IOException {
        return exchange("GET", path, null, false);
    }

    Answer postJson(String path, String json) throws IOException {
        return exchange("POST", path, json, false);
    }

    Answer stream(String path, String json) throws IOException {
        return exchange("POST", path, json, true);
    }

    private Answer exchange(String method, String path, String json, boolean stream) throws IOException {
        if (socket == null) {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(address, 5_000);
            socket.setSoTimeout(60_000);
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            out = socket.getOutputStream();
        }
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        var head = new StringBuilder()
                .append(method)
                .append(' ')
                .append(path)
                .append(" HTTP/1.1\r\nHost: 127.0.0.1:")
                .append(address.getPort())
                .append("\r\n");
        if (json != null) {
            head.append("Content-Type: application/json\r\nContent-Length: ")
                    .append(body.length)
                    .append("\r\n");
        }
        if (stream) {
            head.append("Accept: text/event-stream\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();

        String statusLine = line();
        int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        for (String field = line(); !field.isEmpty(); field = line()) {
            String lower = field.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(field.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        Answer answer;
        if (chunked) {
            var events = new SseParser();
            var whole = new ByteArrayOutputStream();
            while (true) {
                int size = Integer.parseInt(line().split(";", 2)[0].trim(), 16);
                if (size == 0) {
                    line();
                    break;
                }
                byte[] chunk = in.readNBytes(size);
                long now = System.nanoTime();
                line();
                whole.write(chunk);
                events.feed(chunk, now);
            }
            answer = new Answer(status, whole.toString(StandardCharsets.UTF_8), events.events);
        } else {
            byte[] bytes = length >= 0 ? in.readNBytes((int) length) : in.readAllBytes();
            answer = new Answer(status, new String(bytes, StandardCharsets.UTF_8), List.of());
            close |= length < 0;
        }
        if (close) {
            close();
        }
        return answer;
    }

    private String line() throws IOException {
        var text = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the server closed the connection");
            }
            if (b == '\n') {
                int end = text.length();
                if (end > 0 && text.charAt(end - 1) == '\r') {
                    text.setLength(end - 1);
                }
                return text.toString();
            }
            text.append((char) b);
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
            socket = null;
        }
    }

    /** Server-sent events out of the bytes as they come: an event ends at an empty line. */
    private static final class SseParser {
        final List<Event> events = new ArrayList<>();
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private String name = "message";
        private final StringBuilder data = new StringBuilder();

        void feed(byte[] bytes, long nanos) {
            for (byte b : bytes) {
                if (b != '\n') {
                    pending.write(b);
                    continue;
                }
                String line = pending.toString(StandardCharsets.UTF_8);
                pending.reset();
                if (line.endsWith("\r")) {
                    line = line.substring(0, line.length() - 1);
                }
                if (line.isEmpty()) {
                    if (!data.isEmpty() || !name.equals("message")) {
                        events.add(new Event(name, data.toString(), nanos));
                    }
                    name = "message";
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    if (!data.isEmpty()) {
                        data.append('\n');
                    }
                    data.append(line.substring(5).stripLeading());
                }
            }
        }
    }
}
