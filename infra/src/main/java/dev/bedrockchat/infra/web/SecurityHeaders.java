package dev.bedrockchat.infra.web;

/**
 * The security headers of every response CloudFront serves: the page and the API. {@link WebDistribution} builds its
 * response-headers policy from these values (a test checks the synthesized policy against them). The chat function's
 * local server sets the same values on its static files; a system test compares the two.
 */
public final class SecurityHeaders {
    /** Only the page's own scripts, styles, images (and data: images), API calls and fonts; nothing embeds it. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none';"
            + " form-action 'self'; frame-ancestors 'none'";
    /** Two years, the minimum for the browsers' HSTS preload lists. */
    public static final int HSTS_MAX_AGE_SECONDS = 63_072_000;

    public static final String STRICT_TRANSPORT_SECURITY =
            "max-age=" + HSTS_MAX_AGE_SECONDS + "; includeSubDomains; preload";
    public static final String X_CONTENT_TYPE_OPTIONS = "nosniff";
    public static final String X_FRAME_OPTIONS = "DENY";
    public static final String REFERRER_POLICY = "strict-origin-when-cross-origin";

    private SecurityHeaders() {}
}
