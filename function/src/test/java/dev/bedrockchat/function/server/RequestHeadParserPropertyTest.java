package dev.bedrockchat.function.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.bedrockchat.function.api.Api;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The request-head parser over any input: it gives a head, the end of the stream, or a refusal with a documented
 * status and code; no other exception escapes, and no input makes it hang.
 */
class RequestHeadParserPropertyTest {
    /** Every refusal the parser may give: status → the envelope's code. */
    static final Map<Integer, String> DOCUMENTED = Map.of(
            400, "ValidationError",
            413, "PayloadTooLarge",
            414, "UriTooLong",
            431, "HeadersTooLarge",
            501, "NotImplemented",
            505, "HttpVersionNotSupported");

    private static final String TCHARS =
            "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final String TARGET_CHARS =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/?";

    /** What became of one input. */
    record Outcome(RequestHead head, Api.Rejection refusal, boolean ended) {}

    static Outcome parse(ConnectionInput input, HttpLimits limits) {
        return assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            try {
                RequestHead head = new RequestHeadParser(limits).read(input);
                return new Outcome(head, null, head == null);
            } catch (Api.Rejection refusal) {
                return new Outcome(null, refusal, false);
            } catch (EOFException truncated) {
                return new Outcome(null, null, true);
            }
        });
    }

    static void assertDocumented(Outcome outcome) {
        if (outcome.refusal() != null) {
            assertThat(DOCUMENTED)
                    .containsEntry(outcome.refusal().status(), outcome.refusal().code());
            assertThat(outcome.refusal().getMessage()).isNotBlank();
        }
    }

    @Property(tries = 2000)
    void anyBytesGiveAHeadTheEndOrADocumentedRefusal(
            @ForAll @Size(max = 600) byte[] bytes, @ForAll boolean smallLimits) {
        assertDocumented(parse(Inputs.of(bytes), smallLimits ? Inputs.SMALL : HttpLimits.DEFAULTS));
    }

    @Property(tries = 1000)
    void anyTextAfterAPlausibleStartGivesAHeadTheEndOrADocumentedRefusal(
            @ForAll("starts") String start,
            @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 255) Integer> tail,
            @ForAll boolean smallLimits) {
        var bytes = new ByteArrayOutputStream();
        bytes.writeBytes(start.getBytes(StandardCharsets.ISO_8859_1));
        tail.forEach(bytes::write);
        assertDocumented(parse(Inputs.of(bytes.toByteArray()), smallLimits ? Inputs.SMALL : HttpLimits.DEFAULTS));
    }

    @Property(tries = 1000)
    void aWellFormedHeadParsesToWhatWasSent(@ForAll("heads") GeneratedHead generated) {
        Outcome outcome = parse(Inputs.of(generated.bytes()), HttpLimits.DEFAULTS);

        assertThat(outcome.refusal()).as("refusal").isNull();
        RequestHead head = outcome.head();
        assertThat(head.method()).isEqualTo(generated.method());
        assertThat(head.target()).isEqualTo(generated.target());
        assertThat(head.path()).isEqualTo(generated.target().split("\\?", 2)[0]);
        assertThat(head.http11()).isTrue();
        assertThat(head.persistent()).isTrue();
        assertThat(head.contentLength()).isEqualTo(-1);
        assertThat(head.chunked()).isFalse();
        assertThat(new TreeMap<>(head.headers())).isEqualTo(generated.expectedHeaders());
    }

    @Property(tries = 1000)
    void aHeadArrivingInPiecesParsesAsAWholeOneAndLeavesTheBodyUnread(
            @ForAll("heads") GeneratedHead generated,
            @ForAll @IntRange(min = 1, max = 16) int maxPiece,
            @ForAll long seed) {
        byte[] body = "BODY".getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[generated.bytes().length + body.length];
        System.arraycopy(generated.bytes(), 0, all, 0, generated.bytes().length);
        System.arraycopy(body, 0, all, generated.bytes().length, body.length);
        ConnectionInput input = Inputs.of(Inputs.inPieces(all, maxPiece, seed));

        Outcome outcome = parse(input, HttpLimits.DEFAULTS);

        assertThat(outcome.head().target()).isEqualTo(generated.target());
        assertThat(new TreeMap<>(outcome.head().headers())).isEqualTo(generated.expectedHeaders());
        assertThat(readAll(input)).isEqualTo("BODY");
    }

    @Property(tries = 2000)
    void aMutatedHeadGivesAHeadTheEndOrADocumentedRefusal(
            @ForAll("heads") GeneratedHead generated,
            @ForAll @IntRange(min = 0, max = 3) int mutation,
            @ForAll @IntRange(min = 0, max = 10_000) int where,
            @ForAll byte replacement,
            @ForAll boolean smallLimits) {
        byte[] original = generated.bytes();
        int at = where % original.length;
        var mutated = new ByteArrayOutputStream();
        switch (mutation) {
            case 0 -> {
                mutated.write(original, 0, original.length);
                byte[] bytes = mutated.toByteArray();
                bytes[at] = replacement;
                mutated.reset();
                mutated.writeBytes(bytes);
            }
            case 1 -> {
                mutated.write(original, 0, at);
                mutated.write(replacement);
                mutated.write(original, at, original.length - at);
            }
            case 2 -> {
                mutated.write(original, 0, at);
                mutated.write(original, at + 1, original.length - at - 1);
            }
            default -> mutated.write(original, 0, at);
        }
        assertDocumented(parse(Inputs.of(mutated.toByteArray()), smallLimits ? Inputs.SMALL : HttpLimits.DEFAULTS));
    }

    private static String readAll(ConnectionInput input) {
        var out = new StringBuilder();
        try {
            int b;
            while ((b = input.read()) >= 0) {
                out.append((char) b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** A generated head and what its fields must parse to. */
    record GeneratedHead(String method, String target, List<String[]> fields) {
        byte[] bytes() {
            var text = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: localhost\r\n");
            for (String[] field : fields) {
                text.append(field[0]).append(':').append(field[1]).append("\r\n");
            }
            return text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        }

        Map<String, List<String>> expectedHeaders() {
            var expected = new TreeMap<String, List<String>>(String.CASE_INSENSITIVE_ORDER);
            expected.put("Host", new ArrayList<>(List.of("localhost")));
            for (String[] field : fields) {
                expected.computeIfAbsent(field[0], name -> new ArrayList<>()).add(withoutOws(field[1]));
            }
            return expected;
        }

        @Override
        public String toString() {
            return new String(bytes(), StandardCharsets.ISO_8859_1);
        }

        /** The value without leading and trailing spaces and tabs (optional whitespace, RFC 9110). */
        private static String withoutOws(String value) {
            int start = 0;
            int end = value.length();
            while (start < end && (value.charAt(start) == ' ' || value.charAt(start) == '\t')) {
                start++;
            }
            while (end > start && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\t')) {
                end--;
            }
            return value.substring(start, end);
        }
    }

    @Provide
    Arbitrary<String> starts() {
        return Arbitraries.of(
                "GET / HTTP/1.1\r\n",
                "GET / HTTP/1.1\r\nHost: x\r\n",
                "POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Length: ",
                "POST /api/chat HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ",
                "GET /",
                "GET /%",
                "OPTIONS ",
                "GET / HTTP/",
                "\r\n\r\n");
    }

    @Provide
    Arbitrary<GeneratedHead> heads() {
        Arbitrary<String> methods = Arbitraries.oneOf(
                Arbitraries.of("GET", "POST", "DELETE", "HEAD", "PUT", "PATCH", "OPTIONS"),
                Arbitraries.strings()
                        .withChars(TCHARS)
                        .ofMinLength(1)
                        .ofMaxLength(12)
                        .filter(m -> !m.equals("CONNECT")));
        Arbitrary<String> escape = Arbitraries.strings()
                .withChars("0123456789abcdefABCDEF")
                .ofLength(2)
                .map(h -> "%" + h);
        Arbitrary<String> targetPiece = Arbitraries.frequencyOf(
                Tuple.of(
                        8,
                        Arbitraries.strings()
                                .withChars(TARGET_CHARS)
                                .ofMinLength(1)
                                .ofMaxLength(1)),
                Tuple.of(1, escape));
        Arbitrary<String> targets = targetPiece.list().ofMaxSize(40).map(pieces -> "/" + String.join("", pieces));
        Arbitrary<String> names = Arbitraries.strings()
                .withChars(TCHARS)
                .ofMinLength(1)
                .ofMaxLength(20)
                .filter(name -> !List.of("host", "content-length", "transfer-encoding", "connection", "expect")
                        .contains(name.toLowerCase(java.util.Locale.ROOT)));
        Arbitrary<String> values = Arbitraries.strings()
                .withCharRange('\u0020', '\u007e')
                .withCharRange('\u0080', '\u00ff')
                .withChars('\t')
                .ofMaxLength(40);
        Arbitrary<String[]> fields = Combinators.combine(names, values).as((name, value) -> new String[] {name, value});
        return Combinators.combine(methods, targets, fields.list().ofMaxSize(12))
                .as(GeneratedHead::new);
    }
}
