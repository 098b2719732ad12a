package dev.bedrockchat.function.server;

import java.util.Optional;

/** The character rules of RFC 9110, 9112 and 3986 that the request head must follow. */
final class HttpSyntax {
    private HttpSyntax() {}

    /** A token character ({@code tchar}): the characters of methods, header names and transfer codings. */
    static boolean isTokenChar(int c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    static boolean isToken(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (!isTokenChar(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** A character allowed in a field value: visible ASCII, obs-text (0x80-0xFF), space and tab; no CR, LF, NUL. */
    static boolean isFieldValueChar(int c) {
        return c == '\t' || (c >= 0x20 && c != 0x7f && c <= 0xff);
    }

    static boolean isOptionalWhitespace(int c) {
        return c == ' ' || c == '\t';
    }

    static boolean isHexDigit(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /**
     * What is wrong with an origin-form request target ({@code /path?query}): empty when it is well formed. Only
     * the characters RFC 3986 allows unescaped in a path and a query may appear, and every {@code %} must start a
     * two-digit hex escape.
     */
    static Optional<String> originFormProblem(String target) {
        if (!target.startsWith("/")) {
            return Optional.of("The request target must be a path starting with '/', such as /api/health");
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c == '%') {
                if (i + 2 >= target.length()
                        || !isHexDigit(target.charAt(i + 1))
                        || !isHexDigit(target.charAt(i + 2))) {
                    return Optional.of("The request target has a malformed percent-escape at position " + (i + 1)
                            + ": '%' must be followed by two hex digits (write a literal '%' as %25)");
                }
                i += 2;
            } else if (!isTargetChar(c)) {
                return Optional.of("The request target has a character that must be percent-encoded at position "
                        + (i + 1) + " (" + describe(c) + "); encode it as UTF-8 %XX escapes");
            }
        }
        return Optional.empty();
    }

    /** A character allowed unescaped in a path or query: unreserved, sub-delims, ':', '@', '/' and '?'. */
    static boolean isTargetChar(int c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || "-._~!$&'()*+,;=:@/?".indexOf(c) >= 0;
    }

    /** The path of an origin-form target: everything before the query. */
    static String pathOf(String target) {
        int query = target.indexOf('?');
        return query < 0 ? target : target.substring(0, query);
    }

    /** The raw query of an origin-form target (what follows the first '?'), or null when it has none. */
    static String queryOf(String target) {
        int query = target.indexOf('?');
        return query < 0 ? null : target.substring(query + 1);
    }

    /** A Host value: empty, or a host name, IPv4 or bracketed IPv6 address with an optional port. */
    static boolean isHost(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "-._~!$&'()*+,;=:%[]".indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    /** A character for a message: printable ASCII as itself, anything else as its code. */
    static String describe(int c) {
        if (c > 0x20 && c < 0x7f) {
            return "'" + (char) c + "'";
        }
        return String.format("byte 0x%02X", c);
    }
}
