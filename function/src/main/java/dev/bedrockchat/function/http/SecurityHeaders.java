package dev.bedrockchat.function.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The security headers of the page. In AWS, CloudFront's response headers policy sets them (plus HSTS); the local
 * server sets the same values itself. The content security policy allows only the page's own scripts, styles and
 * connections: no inline script, no inline style attribute, no eval.
 *
 * <p>With sign-in by OpenID Connect the page also calls the provider's token endpoint from script (the code exchange
 * and the refresh), so its origin joins {@code connect-src}, right after {@code 'self'} and nothing else changes:
 * {@code connect-src 'self' https://login.example.com;} (see {@link #contentSecurityPolicy(List)}). CloudFront's policy
 * takes the same origin.
 */
public final class SecurityHeaders {
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";
    public static final String X_CONTENT_TYPE_OPTIONS = "nosniff";
    public static final String X_FRAME_OPTIONS = "DENY";
    public static final String REFERRER_POLICY = "strict-origin-when-cross-origin";

    /** An origin as a source of a policy: scheme, host and optional port, nothing that could end the directive. */
    private static final Pattern ORIGIN = Pattern.compile("https?://([a-z0-9.-]+|\\[[0-9a-f:.]+])(:\\d{1,5})?");

    private SecurityHeaders() {}

    /** The headers the local server adds to its responses (not HSTS: it must not pin HTTPS for localhost). */
    public static Map<String, String> local() {
        return local(List.of());
    }

    /** {@link #local()} with these origins added to {@code connect-src}. */
    public static Map<String, String> local(List<String> connectOrigins) {
        var headers = new LinkedHashMap<String, String>();
        headers.put("Content-Security-Policy", contentSecurityPolicy(connectOrigins));
        headers.put("X-Content-Type-Options", X_CONTENT_TYPE_OPTIONS);
        headers.put("X-Frame-Options", X_FRAME_OPTIONS);
        headers.put("Referrer-Policy", REFERRER_POLICY);
        return headers;
    }

    /**
     * {@link #CONTENT_SECURITY_POLICY} with each origin appended, in order, to {@code connect-src 'self'}: for
     * {@code https://login.example.com} the directive becomes {@code connect-src 'self' https://login.example.com}.
     *
     * @throws IllegalArgumentException for anything but a plain origin ({@code scheme://host[:port]}, lower case)
     */
    public static String contentSecurityPolicy(List<String> connectOrigins) {
        var sources = new StringBuilder("connect-src 'self'");
        for (String origin : connectOrigins) {
            if (!ORIGIN.matcher(origin).matches()) {
                throw new IllegalArgumentException("Not an origin for connect-src: " + origin);
            }
            sources.append(' ').append(origin);
        }
        return CONTENT_SECURITY_POLICY.replace("connect-src 'self'", sources);
    }
}
