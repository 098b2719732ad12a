package dev.bedrockchat.function.auth;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/** The rules for the provider's addresses: HTTPS, or plain HTTP on this machine only (a local provider). */
final class ProviderUrls {
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private ProviderUrls() {}

    /** Whether the address may be used: absolute, {@code https}, or {@code http} to a loopback host. */
    static boolean acceptable(URI uri) {
        if (uri == null || !uri.isAbsolute() || uri.getHost() == null || uri.getRawUserInfo() != null) {
            return false;
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        return scheme.equals("https")
                || (scheme.equals("http") && LOOPBACK.contains(uri.getHost().toLowerCase(Locale.ROOT)));
    }

    /** {@code scheme://host[:port]} of an absolute address, as a Content-Security-Policy source names it. */
    static String origin(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort =
                port == -1 || (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
        return scheme + "://" + host + (defaultPort ? "" : ":" + port);
    }
}
