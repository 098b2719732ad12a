package dev.bedrockchat.function.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * A token in JWS compact form, taken apart without trusting any of it: {@code header.payload.signature}, each part
 * base64url without padding, header and payload each one JSON object (a duplicate member or anything after the object
 * is refused, so that no other reader can see other values than this one).
 *
 * @param signingInput the bytes the signature covers: {@code header.payload} as sent
 */
record CompactJws(JsonNode header, JsonNode claims, byte[] signingInput, byte[] signature) {
    /** The longest token read; a longer one is refused before anything is decoded. */
    static final int MAX_CHARS = 16 * 1024;

    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]*");

    /**
     * @param mapper a mapper that refuses duplicate members and trailing content
     * @throws AuthenticationFailed {@link AuthReason#MALFORMED_TOKEN} with the part that is wrong
     */
    static CompactJws parse(String token, ObjectMapper mapper) {
        if (token.length() > MAX_CHARS) {
            throw malformed(
                    "The token is longer than " + MAX_CHARS / 1024 + " KiB: send the ID or access token itself");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw malformed("The token is not a JWT: expected three base64url parts separated by dots "
                    + "(header.payload.signature)");
        }
        JsonNode header = json(decode(parts[0], "header"), "header", mapper);
        JsonNode claims = json(decode(parts[1], "payload"), "payload", mapper);
        byte[] signature = decode(parts[2], "signature");
        byte[] signingInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        return new CompactJws(header, claims, signingInput, signature);
    }

    private static byte[] decode(String part, String name) {
        if (!BASE64URL.matcher(part).matches()) {
            throw malformed("The token's " + name + " is not base64url (A-Z a-z 0-9 - _, no padding)");
        }
        try {
            return Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) {
            throw malformed("The token's " + name + " is not valid base64url");
        }
    }

    private static JsonNode json(byte[] bytes, String name, ObjectMapper mapper) {
        JsonNode node;
        try {
            node = mapper.readTree(bytes);
        } catch (IOException e) {
            node = null;
        }
        if (node == null || !node.isObject()) {
            throw malformed("The token's " + name + " is not one JSON object (or repeats a member)");
        }
        return node;
    }

    static AuthenticationFailed malformed(String message) {
        return new AuthenticationFailed(AuthReason.MALFORMED_TOKEN, message);
    }
}
