package dev.bedrockchat.function.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One client connection on a plain socket: writes exactly the bytes given (pipelined requests, broken framing,
 * trickles) and reads responses one after the other, interim {@code 100 Continue} included.
 */
final class RawClient implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * A response as received.
     *
     * @param headers names in lower case, values in order
     * @param chunks  the chunks of a chunked body, one entry each (empty for other bodies)
     */
    record Response(int status, Map<String, List<String>> headers, byte[] body, List<String> chunks) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.getFirst();
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        JsonNode error() {
            return json().path("error");
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static RawClient connect(int port) {
        return connect(port, 0);
    }

    /** @param receiveBuffer the socket's receive buffer in bytes; 0 for the default */
    static RawClient connect(int port, int receiveBuffer) {
        try {
            var socket = new Socket();
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(15_000);
            return new RawClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Request lines joined with CRLF, plus the CRLF that ends the head. */
    static String head(String... lines) {
        return String.join("\r\n", lines) + "\r\n\r\n";
    }

    RawClient send(String text) {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawClient send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes on another thread (the server may stop reading part-way); failures to write are ignored. */
    Thread sendInBackground(byte[] bytes) {
        return Thread.ofVirtual().start(() -> {
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException serverStoppedReading) {
                // Expected when the server refuses the request before it has read all of it.
            }
        });
    }

    /** Writes one byte at a time with a pause between them, on another thread, until done or the server closes. */
    Thread trickle(String text, Duration pause) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        return Thread.ofVirtual().start(() -> {
            try {
                for (byte b : bytes) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(pause);
                }
            } catch (IOException | InterruptedException stopped) {
                // The server closed the connection (or the test is over).
            }
        });
    }

    /** Reads the next response (for a HEAD request: headers only). */
    Response read() {
        return read(false);
    }

    Response readHeadResponse() {
        return read(true);
    }

    private Response read(boolean headRequest) {
        try {
            String statusLine = line();
            if (statusLine == null) {
                throw new AssertionError("The connection closed before a response");
            }
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].equals("HTTP/1.1")) {
                throw new AssertionError("Not an HTTP/1.1 status line: " + statusLine);
            }
            int status = Integer.parseInt(parts[1]);
            var headers = new LinkedHashMap<String, List<String>>();
            for (String line = line(); !line.isEmpty(); line = line()) {
                int colon = line.indexOf(':');
                headers.computeIfAbsent(line.substring(0, colon).toLowerCase(Locale.ROOT), name -> new ArrayList<>())
                        .add(line.substring(colon + 1).strip());
            }
            var chunks = new ArrayList<String>();
            byte[] body;
            List<String> length = headers.get("content-length");
            List<String> coding = headers.get("transfer-encoding");
            if (headRequest || status < 200 || status == 204 || status == 304) {
                body = new byte[0];
            } else if (coding != null) {
                body = dechunk(chunks);
            } else if (length != null) {
                body = in.readNBytes(Integer.parseInt(length.getFirst()));
            } else {
                body = in.readAllBytes();
            }
            return new Response(status, headers, body, chunks);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] dechunk(List<String> chunks) throws IOException {
        var body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line();
            int size = Integer.parseInt(sizeLine.split(";", 2)[0].strip(), 16);
            if (size == 0) {
                while (!line().isEmpty()) {
                    // Trailers: none expected, skipped.
                }
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(size);
            chunks.add(new String(chunk, StandardCharsets.UTF_8));
            body.writeBytes(chunk);
            if (!line().isEmpty()) {
                throw new AssertionError("A chunk not followed by CRLF");
            }
        }
    }

    /** A line without its CRLF; null at the end of the stream before any byte. */
    private String line() throws IOException {
        var line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            line.write(b);
        }
        if (b < 0 && line.size() == 0) {
            return null;
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        if (!text.endsWith("\r")) {
            throw new AssertionError("A line not ended by CRLF: " + text);
        }
        return text.substring(0, text.length() - 1);
    }

    /**
     * True when the server has closed the connection (the next read sees the end of the stream) within the time
     * given; false when it is still open then. Bytes arriving instead fail the test.
     */
    boolean closedByServerWithin(Duration time) {
        try {
            socket.setSoTimeout((int) time.toMillis());
            int b = in.read();
            if (b >= 0) {
                throw new AssertionError("Unexpected bytes after the response: " + (char) b
                        + new String(in.readNBytes(in.available()), StandardCharsets.ISO_8859_1));
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                socket.setSoTimeout(15_000);
            } catch (IOException ignored) {
                // The socket is closed.
            }
        }
    }

    boolean closedByServer() {
        return closedByServerWithin(Duration.ofSeconds(5));
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closed already.
        }
    }
}
