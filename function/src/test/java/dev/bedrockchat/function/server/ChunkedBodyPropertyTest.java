package dev.bedrockchat.function.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.bedrockchat.function.api.Api;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The chunked decoder over any input: a well-formed body decodes to its data however it is chunked and however it
 * arrives, leaving what follows it unread; anything else ends in a documented refusal or the end of the stream.
 */
class ChunkedBodyPropertyTest {
    /** Every refusal the decoder may give: status → the envelope's code. */
    static final Map<Integer, String> DOCUMENTED = Map.of(
            400, "ValidationError",
            413, "PayloadTooLarge",
            431, "HeadersTooLarge");

    private static final byte[] NEXT = "NEXT".getBytes(StandardCharsets.US_ASCII);

    record Outcome(byte[] data, boolean finished, Api.Rejection refusal, boolean ended) {}

    static Outcome decode(ConnectionInput input, HttpLimits limits, int readSize) {
        return assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            var body = new ChunkedBody(input, limits, Duration.ofSeconds(1));
            var data = new ByteArrayOutputStream();
            byte[] buffer = new byte[readSize];
            try {
                int count;
                while ((count = body.read(buffer, 0, buffer.length)) >= 0) {
                    data.write(buffer, 0, count);
                }
                return new Outcome(data.toByteArray(), body.finished(), null, false);
            } catch (Api.Rejection refusal) {
                return new Outcome(null, false, refusal, false);
            } catch (EOFException truncated) {
                return new Outcome(null, false, null, true);
            }
        });
    }

    /** A body, how it is cut into chunks, and what decorates it. */
    record Encoding(byte[] data, List<Integer> cuts, List<String> extensions, List<String> trailers, boolean upperHex) {
        byte[] bytes() {
            var out = new ByteArrayOutputStream();
            int position = 0;
            int index = 0;
            while (position < data.length) {
                int size = Math.min(data.length - position, cuts.get(index % cuts.size()));
                String hex = Integer.toHexString(size);
                out.writeBytes((upperHex ? hex.toUpperCase() : hex).getBytes(StandardCharsets.US_ASCII));
                out.writeBytes(extensions.get(index % extensions.size()).getBytes(StandardCharsets.ISO_8859_1));
                out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.write(data, position, size);
                out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
                position += size;
                index++;
            }
            out.writeBytes("0\r\n".getBytes(StandardCharsets.US_ASCII));
            for (String trailer : trailers) {
                out.writeBytes((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(NEXT);
            return out.toByteArray();
        }

        /** The bytes of chunk extensions the body carries (from each ';' on), which the decoder limits. */
        int extensionBytes() {
            int chunks = 0;
            int total = 0;
            for (int position = 0; position < data.length; chunks++) {
                position += Math.min(data.length - position, cuts.get(chunks % cuts.size()));
                String extension = extensions.get(chunks % extensions.size());
                total += extension.replaceFirst("^[ \t]+", "").length();
            }
            return total;
        }
    }

    @Provide
    Arbitrary<Encoding> encodings() {
        Arbitrary<byte[]> data = Arbitraries.bytes().array(byte[].class).ofMaxSize(3000);
        Arbitrary<List<Integer>> cuts =
                Arbitraries.integers().between(1, 700).list().ofMinSize(1).ofMaxSize(8);
        Arbitrary<String> extension = Arbitraries.oneOf(
                Arbitraries.just(""),
                Arbitraries.strings()
                        .withChars("abcxyz-_")
                        .ofMinLength(1)
                        .ofMaxLength(8)
                        .map(name -> ";" + name),
                Arbitraries.strings().withChars("abc=\"; \t").ofMaxLength(12).map(text -> " \t;" + text));
        Arbitrary<String> trailer = Arbitraries.strings()
                .withChars("abcXYZ-")
                .ofMinLength(1)
                .ofMaxLength(10)
                .map(name -> "X-" + name + ": value");
        return Combinators.combine(
                        data,
                        cuts,
                        extension.list().ofMinSize(1).ofMaxSize(4),
                        trailer.list().ofMaxSize(3),
                        Arbitraries.of(true, false))
                .as(Encoding::new);
    }

    @Property(tries = 1000)
    void aWellFormedBodyDecodesToItsDataAndLeavesWhatFollowsUnread(
            @ForAll("encodings") Encoding encoding,
            @ForAll @IntRange(min = 1, max = 64) int maxPiece,
            @ForAll @IntRange(min = 1, max = 9000) int readSize,
            @ForAll long seed) {
        ConnectionInput input = Inputs.of(Inputs.inPieces(encoding.bytes(), maxPiece, seed));

        Outcome outcome = decode(input, HttpLimits.DEFAULTS, readSize);

        if (encoding.extensionBytes() > ChunkedBody.MAX_EXTENSION_BYTES) {
            assertThat(outcome.refusal()).isNotNull();
            assertThat(outcome.refusal().status()).isEqualTo(400);
            assertThat(outcome.refusal().getMessage()).contains("chunk extensions");
            return;
        }
        assertThat(outcome.refusal()).as("refusal").isNull();
        assertThat(outcome.data()).isEqualTo(encoding.data());
        assertThat(outcome.finished()).isTrue();
        byte[] rest = new byte[NEXT.length];
        int count = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            int read = 0;
            while (read < rest.length) {
                int n = input.read(rest, read, rest.length - read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            return read;
        });
        assertThat(new String(rest, 0, count, StandardCharsets.US_ASCII)).isEqualTo("NEXT");
    }

    @Property(tries = 2000)
    void anyBytesDecodeOrEndInADocumentedRefusalOrTheEndOfTheStream(
            @ForAll @Size(max = 400) byte[] bytes, @ForAll @IntRange(min = 1, max = 100) int readSize) {
        assertDocumented(decode(Inputs.of(bytes), Inputs.SMALL, readSize));
    }

    @Property(tries = 2000)
    void aMutatedBodyDecodesOrEndsInADocumentedRefusalOrTheEndOfTheStream(
            @ForAll("encodings") Encoding encoding,
            @ForAll @IntRange(min = 0, max = 100_000) int where,
            @ForAll byte replacement,
            @ForAll boolean insert) {
        byte[] original = encoding.bytes();
        int at = where % original.length;
        var mutated = new ByteArrayOutputStream();
        mutated.write(original, 0, at);
        mutated.write(replacement);
        mutated.write(original, insert ? at : at + 1, original.length - (insert ? at : at + 1));

        assertDocumented(decode(Inputs.of(mutated.toByteArray()), HttpLimits.DEFAULTS, 512));
    }

    private static void assertDocumented(Outcome outcome) {
        if (outcome.refusal() != null) {
            assertThat(DOCUMENTED)
                    .containsEntry(outcome.refusal().status(), outcome.refusal().code());
            assertThat(outcome.refusal().getMessage()).isNotBlank();
        } else if (!outcome.ended()) {
            assertThat(outcome.finished()).isTrue();
        }
    }
}
