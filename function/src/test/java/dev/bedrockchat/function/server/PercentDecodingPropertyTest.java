package dev.bedrockchat.function.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.bedrockchat.function.http.PercentDecoding;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Percent-decoding of paths, and the server's check of the request target: any text, percent-encoded as UTF-8, passes
 * the server's check and decodes to itself; a malformed escape is refused by both; no input makes either throw.
 */
class PercentDecodingPropertyTest {
    private static final String UNRESERVED = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~";

    /** Text as a path segment: unreserved characters as they are, every other UTF-8 byte as %XX. */
    static String encode(String text, boolean lowerHex) {
        var encoded = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x80 && UNRESERVED.indexOf(c) >= 0) {
                encoded.append((char) c);
            } else {
                String hex = String.format("%%%02X", c);
                encoded.append(lowerHex ? hex.toLowerCase() : hex);
            }
        }
        return encoded.toString();
    }

    @Provide
    Arbitrary<String> texts() {
        // Whole code points, so that every string is valid UTF-16 (no lone surrogates).
        return Arbitraries.integers()
                .between(0, 0x10FFFF)
                .filter(cp -> cp < 0xD800 || cp > 0xDFFF)
                .list()
                .ofMaxSize(30)
                .map(points ->
                        new String(points.stream().mapToInt(Integer::intValue).toArray(), 0, points.size()));
    }

    @Property(tries = 2000)
    void encodedTextPassesTheServersCheckAndDecodesToItself(@ForAll("texts") String text, @ForAll boolean lowerHex) {
        String target = "/" + encode(text, lowerHex);

        assertThat(HttpSyntax.originFormProblem(target)).isEmpty();
        assertThat(PercentDecoding.decode(HttpSyntax.pathOf(target))).contains("/" + text);
    }

    @Property(tries = 2000)
    void anyStringDecodesOrIsRefusedWithoutAnException(@ForAll String raw) {
        Optional<String> decoded = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> PercentDecoding.decode(raw));
        Optional<String> problem =
                assertTimeoutPreemptively(Duration.ofSeconds(5), () -> HttpSyntax.originFormProblem("/" + raw));

        if (problem.isEmpty()) {
            // What the server lets through is plain ASCII with well-formed escapes: it decodes unless its bytes are
            // not UTF-8.
            assertThat(raw).matches("[\\x21-\\x7e]*");
        }
        boolean validUtf16 = raw.codePoints().noneMatch(cp -> cp >= 0xD800 && cp <= 0xDFFF);
        if (!raw.contains("%") && validUtf16) {
            assertThat(decoded).contains(raw);
        }
    }

    @Property(tries = 2000)
    void aMalformedEscapeIsRefusedByTheDecoderAndByTheServer(
            @ForAll("texts") String before, @ForAll("notHex") String after, @ForAll("texts") String rest) {
        // Nothing follows a bare '%' at the end; after a non-hex character anything may follow.
        String raw = "/" + encode(before, false) + "%" + after + (after.isEmpty() ? "" : encode(rest, false));

        assertThat(PercentDecoding.decode(raw)).isEmpty();
        assertThat(HttpSyntax.originFormProblem(raw))
                .hasValueSatisfying(problem -> assertThat(problem).contains("malformed percent-escape"));
    }

    @Provide
    Arbitrary<String> notHex() {
        Arbitrary<Character> hex = Arbitraries.of('0', '7', 'a', 'F');
        Arbitrary<Character> other = Arbitraries.of('g', 'Z', '%', '/', '-', '.', '~', '_');
        return Arbitraries.oneOf(
                Arbitraries.just(""),
                other.map(String::valueOf),
                hex.map(String::valueOf).map(h -> h + "-"),
                other.map(o -> o + "0"));
    }
}
