package dev.bedrockchat.function.api;

import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.chat.Deadline;
import dev.bedrockchat.function.http.PercentDecoding;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * A request as any transport hands it to the {@link Api}: the function's own HTTP server, or an API Gateway proxy
 * event.
 *
 * @param method        the HTTP method, upper case
 * @param path          the raw (still percent-encoded) path, without the query string
 * @param rawQuery      the raw (still percent-encoded) query string without the {@code ?}; empty for none
 * @param headers       the request headers; names are matched without regard to case
 * @param body          the body, read at most up to the API's limit
 * @param transportId   an id the transport already has for the request (e.g. API Gateway's), if any
 * @param timeLimit     when the transport must have the whole response (e.g. before the Lambda invocation ends), if
 *                      it has such a limit; an answer is cut off by it as by ANSWER_TIMEOUT_SECONDS
 * @param gateway       what the platform in front vouches for (verified sign-in claims, the function's own events);
 *                      {@link GatewayContext#NONE} from a transport that cannot vouch for anything (every
 *                      transport says which, so that none loses the claims by leaving them out)
 */
public record ApiRequest(
        String method,
        String path,
        String rawQuery,
        Map<String, List<String>> headers,
        InputStream body,
        Optional<String> transportId,
        Optional<Deadline> timeLimit,
        GatewayContext gateway) {

    public ApiRequest {
        Objects.requireNonNull(gateway, "gateway");
        rawQuery = rawQuery == null ? "" : rawQuery;
        var caseInsensitive = new TreeMap<String, List<String>>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> {
            if (name != null && values != null) {
                caseInsensitive.merge(name, List.copyOf(values), (a, b) -> {
                    var all = new ArrayList<>(a);
                    all.addAll(b);
                    return List.copyOf(all);
                });
            }
        });
        headers = Collections.unmodifiableMap(caseInsensitive);
    }

    /** The first value of a header. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.ofNullable(values.getFirst());
    }

    /** The declared Content-Length, when present and valid. */
    public OptionalLong contentLength() {
        return header("Content-Length")
                .map(String::trim)
                .filter(v -> v.matches("\\d{1,18}"))
                .map(v -> OptionalLong.of(Long.parseLong(v)))
                .orElse(OptionalLong.empty());
    }

    /**
     * The first value of a query parameter, decoded ({@code +} is a space, as in a form); a parameter given without
     * {@code =} has the empty value.
     *
     * @throws ChatException ValidationError when the query string's percent-encoding (or the UTF-8 it encodes) is
     *     malformed
     */
    public Optional<String> queryParameter(String name) {
        if (rawQuery.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> found = Optional.empty();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String key = decodeQueryPart(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decodeQueryPart(pair.substring(equals + 1));
            if (found.isEmpty() && key.equals(name)) {
                found = Optional.of(value);
            }
        }
        return found;
    }

    private static String decodeQueryPart(String raw) {
        return PercentDecoding.decode(raw.replace('+', ' '))
                .orElseThrow(() -> ChatException.validation("The query string is not valid percent-encoded UTF-8: "
                        + "encode each parameter's name and value (for example with encodeURIComponent)"));
    }
}
