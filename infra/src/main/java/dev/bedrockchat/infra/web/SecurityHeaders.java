package dev.bedrockchat.infra.web;

import java.util.List;

/**
 * The security headers of every response CloudFront serves: the page and the API. {@link WebDistribution} builds its
 * response-headers policy from these values (a test checks the synthesized policy against them). The chat function's
 * local server sets the same values on its static files; a system test compares the two.
 */
public final class SecurityHeaders {
    /**
     * Only the page's own scripts, styles, images (and data: images), API calls and fonts; nothing embeds it. The
     * policy of an environment without sign-in, and of the local server without an OIDC provider.
     */
    public static final String CONTENT_SECURITY_POLICY = contentSecurityPolicy(List.of());
    /** Two years, the minimum for the browsers' HSTS preload lists. */
    public static final int HSTS_MAX_AGE_SECONDS = 63_072_000;

    public static final String STRICT_TRANSPORT_SECURITY =
            "max-age=" + HSTS_MAX_AGE_SECONDS + "; includeSubDomains; preload";
    public static final String X_CONTENT_TYPE_OPTIONS = "nosniff";
    public static final String X_FRAME_OPTIONS = "DENY";
    public static final String REFERRER_POLICY = "strict-origin-when-cross-origin";

    private SecurityHeaders() {}

    /**
     * {@link #CONTENT_SECURITY_POLICY} whose {@code connect-src} also allows {@code connectOrigins}: with sign-in, the
     * origin of the provider's token endpoint (the page exchanges the code and refreshes there; the authorization and
     * logout redirects are navigations, which the policy does not restrict). Everything else stays as strict.
     *
     * @param connectOrigins origins like {@code https://chat-prod-111122223333.auth.us-east-1.amazoncognito.com};
     *                       deploy-time values allowed
     */
    public static String contentSecurityPolicy(List<String> connectOrigins) {
        StringBuilder connect = new StringBuilder("'self'");
        connectOrigins.forEach(origin -> connect.append(' ').append(origin));
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src " + connect
                + "; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }
}
