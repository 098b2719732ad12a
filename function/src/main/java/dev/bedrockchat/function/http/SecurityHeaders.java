package dev.bedrockchat.function.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The security headers of the page. In AWS, CloudFront's response headers policy sets them (plus HSTS); the local
 * server sets the same values itself. The content security policy allows only the page's own scripts, styles and
 * connections: no inline script, no inline style attribute, no eval.
 */
public final class SecurityHeaders {
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";
    public static final String X_CONTENT_TYPE_OPTIONS = "nosniff";
    public static final String X_FRAME_OPTIONS = "DENY";
    public static final String REFERRER_POLICY = "strict-origin-when-cross-origin";

    private SecurityHeaders() {}

    /** The headers the local server adds to its responses (not HSTS: it must not pin HTTPS for localhost). */
    public static Map<String, String> local() {
        var headers = new LinkedHashMap<String, String>();
        headers.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.put("X-Content-Type-Options", X_CONTENT_TYPE_OPTIONS);
        headers.put("X-Frame-Options", X_FRAME_OPTIONS);
        headers.put("Referrer-Policy", REFERRER_POLICY);
        return headers;
    }
}
