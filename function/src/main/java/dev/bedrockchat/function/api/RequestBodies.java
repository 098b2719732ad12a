package dev.bedrockchat.function.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.chat.ChatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads request bodies up to a limit, and not one byte further; and JSON bodies strictly: valid UTF-8 only (an overlong
 * or otherwise malformed byte sequence is refused, never decoded leniently), one JSON object and nothing after it, no
 * field twice, no unpaired UTF-16 surrogate in a string.
 */
final class RequestBodies {
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '([^']*)'");

    private RequestBodies() {}

    static byte[] read(InputStream body, OptionalLong declaredLength, int limit) throws IOException {
        if (declaredLength.isPresent() && declaredLength.getAsLong() > limit) {
            throw tooLarge(limit);
        }
        byte[] bytes = body.readNBytes(limit + 1);
        if (bytes.length > limit) {
            throw tooLarge(limit);
        }
        return bytes;
    }

    /**
     * The body of a request as one JSON object, read strictly.
     *
     * @param example a small valid body, quoted in the messages
     * @throws ApiException UnsupportedMediaType when it is not sent as JSON; PayloadTooLarge beyond the limit
     * @throws ChatException ValidationError when it is not valid UTF-8, not one JSON object, or has data after it
     */
    static JsonNode jsonObject(ApiRequest request, ObjectMapper mapper, int limit, String example) throws IOException {
        if (!isJson(request.header("Content-Type").orElse(""))) {
            throw new ApiException(
                    HttpError.UNSUPPORTED_MEDIA_TYPE,
                    "Send the body as JSON with the header 'Content-Type: application/json', such as " + example);
        }
        String text = utf8(read(request.body(), request.contentLength(), limit));
        JsonNode json;
        try (JsonParser parser = mapper.getFactory().createParser(text)) {
            parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            json = mapper.readTree(parser);
            if (json == null || !json.isObject()) {
                throw ChatException.validation("The body must be a JSON object such as " + example);
            }
            if (trailing(parser)) {
                throw ChatException.validation(
                        "The body has more after its JSON object: send exactly one JSON object such as " + example);
            }
        } catch (JsonParseException e) {
            Matcher duplicate = DUPLICATE.matcher(String.valueOf(e.getOriginalMessage()));
            if (duplicate.find()) {
                throw ChatException.validation(
                        "The body has the field \"" + duplicate.group(1) + "\" twice: send it once");
            }
            throw ChatException.validation("The body is not valid JSON; send " + example);
        } catch (JsonProcessingException e) {
            throw ChatException.validation("The body is not valid JSON; send " + example);
        }
        requireWholeCharacters(json);
        return json;
    }

    static boolean isJson(String contentType) {
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }

    /** Whether anything but white space follows the value just read (also something that is not JSON at all). */
    private static boolean trailing(JsonParser parser) {
        try {
            return parser.nextToken() != null;
        } catch (IOException e) {
            return true;
        }
    }

    /** The bytes as UTF-8, refusing every malformed sequence (overlong forms, surrogates, truncated characters). */
    private static String utf8(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw ChatException.validation("The body is not valid UTF-8 (a malformed byte sequence at byte "
                    + in.position() + "): send the JSON encoded as UTF-8");
        }
        return out.flip().toString();
    }

    /** Every string and field name of the body must be whole Unicode text (JSON escapes can split a surrogate pair). */
    private static void requireWholeCharacters(JsonNode node) {
        if (node.isTextual()) {
            requireWhole(node.textValue());
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                requireWhole(field.getKey());
                requireWholeCharacters(field.getValue());
            }
        } else if (node.isArray()) {
            node.forEach(RequestBodies::requireWholeCharacters);
        }
    }

    private static void requireWhole(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw ChatException.validation(String.format(
                        "The body has an unpaired UTF-16 surrogate (\\u%04x) in a string: send whole characters",
                        (int) c));
            }
        }
    }

    private static ApiException tooLarge(int limit) {
        return new ApiException(
                HttpError.PAYLOAD_TOO_LARGE,
                "The request body is larger than " + (limit / 1024) + " KiB; send a shorter message");
    }
}
