package dev.bedrockchat.function;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 over a plain socket, for requests an HTTP client library would refuse or rewrite: raw paths with
 * {@code ..}, false Content-Length headers, bodies larger than the limit.
 */
public final class RawHttp {
    /** A response: status, headers (names in lower case) and body. */
    public record Response(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private RawHttp() {}

    /** Sends the request head (CRLF added), then the body bytes, and reads the response (connection closed). */
    public static Response exchange(int port, String head, byte[] body) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write((head.replace("\n", "\r\n") + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            try {
                out.write(body);
                out.flush();
            } catch (IOException serverStoppedReading) {
                // The server answered before reading everything: read its answer below.
            }
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Response get(int port, String rawPath) {
        return exchange(port, "GET " + rawPath + " HTTP/1.1\nHost: localhost\nConnection: close\n", new byte[0]);
    }

    private static Response read(InputStream in) throws IOException {
        var all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int headEnd = -1;
        int contentLength = -1;
        boolean chunked = false;
        Map<String, String> headers = new TreeMap<>();
        int status = 0;
        while (true) {
            int n;
            try {
                n = in.read(buffer);
            } catch (java.net.SocketException reset) {
                n = -1;
            }
            if (n < 0) {
                break;
            }
            all.write(buffer, 0, n);
            String text = all.toString(StandardCharsets.ISO_8859_1);
            if (headEnd < 0) {
                headEnd = text.indexOf("\r\n\r\n");
                if (headEnd >= 0) {
                    String[] lines = text.substring(0, headEnd).split("\r\n");
                    status = Integer.parseInt(lines[0].split(" ")[1]);
                    for (int i = 1; i < lines.length; i++) {
                        int colon = lines[i].indexOf(':');
                        headers.put(
                                lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                                lines[i].substring(colon + 1).trim());
                    }
                    contentLength = headers.containsKey("content-length")
                            ? Integer.parseInt(headers.get("content-length"))
                            : -1;
                    chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
                }
            }
            if (headEnd >= 0 && !chunked && contentLength >= 0 && all.size() >= headEnd + 4 + contentLength) {
                break;
            }
            if (headEnd >= 0 && chunked && text.endsWith("\r\n0\r\n\r\n")) {
                break;
            }
        }
        String text = all.toString(StandardCharsets.UTF_8);
        if (headEnd < 0) {
            throw new IOException("No HTTP response: " + text);
        }
        String body = text.substring(Math.min(text.length(), headEnd + 4));
        if (chunked) {
            body = dechunk(body);
        }
        return new Response(status, headers, body);
    }

    private static String dechunk(String body) {
        var out = new StringBuilder();
        int i = 0;
        while (i < body.length()) {
            int lineEnd = body.indexOf("\r\n", i);
            int size = Integer.parseInt(body.substring(i, lineEnd).trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(body, lineEnd + 2, lineEnd + 2 + size);
            i = lineEnd + 2 + size + 2;
        }
        return out.toString();
    }
}
