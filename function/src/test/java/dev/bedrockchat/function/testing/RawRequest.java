package dev.bedrockchat.function.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP/1.1 request read from a socket by the test stand-ins ({@link ScriptedBedrock}, the system tests' S3 fault
 * proxy): its request line, its header fields in order, and its
 * body by Content-Length or by the chunked transfer coding (decoded). A request that asks for {@code Expect:
 * 100-continue} is told to go on before its body is read.
 */
public record RawRequest(String method, String target, List<Map.Entry<String, String>> headers, byte[] body) {

    /** The next request on the connection; empty when the connection closes before one begins. */
    public static Optional<RawRequest> read(InputStream in, OutputStream out) throws IOException {
        String requestLine = line(in);
        if (requestLine == null || requestLine.isEmpty()) {
            return Optional.empty();
        }
        String[] parts = requestLine.split(" ");
        var headers = new ArrayList<Map.Entry<String, String>>();
        for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            headers.add(Map.entry(
                    line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
        }
        var request = new RawRequest(parts[0], parts.length > 1 ? parts[1] : "/", List.copyOf(headers), new byte[0]);
        if (request.header("expect")
                .map(v -> v.equalsIgnoreCase("100-continue"))
                .orElse(false)) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        byte[] body;
        if (request.header("transfer-encoding")
                .map(v -> v.equalsIgnoreCase("chunked"))
                .orElse(false)) {
            var bytes = new ByteArrayOutputStream();
            for (int size = chunkSize(line(in)); size > 0; size = chunkSize(line(in))) {
                bytes.write(in.readNBytes(size));
                line(in);
            }
            for (String trailer = line(in); trailer != null && !trailer.isEmpty(); trailer = line(in)) {
                // no trailer is used
            }
            body = bytes.toByteArray();
        } else {
            body = in.readNBytes(
                    Integer.parseInt(request.header("content-length").orElse("0")));
        }
        return Optional.of(new RawRequest(request.method, request.target, request.headers, body));
    }

    /** The first value of a header field, by name in any case. */
    public Optional<String> header(String name) {
        return headers.stream()
                .filter(h -> h.getKey().toLowerCase(Locale.ROOT).equals(name))
                .map(Map.Entry::getValue)
                .findFirst();
    }

    /** The target without its query. */
    public String path() {
        int query = target.indexOf('?');
        return query < 0 ? target : target.substring(0, query);
    }

    /** The query of the target, or an empty string. */
    public String query() {
        int query = target.indexOf('?');
        return query < 0 ? "" : target.substring(query + 1);
    }

    private static int chunkSize(String line) throws IOException {
        if (line == null) {
            throw new IOException("the body ended inside a chunk");
        }
        return Integer.parseInt(line.split(";")[0].trim(), 16);
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
}
