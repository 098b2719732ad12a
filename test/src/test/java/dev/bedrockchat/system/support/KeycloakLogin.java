package dev.bedrockchat.system.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sign-in of the chat page without a browser: the authorization code flow with PKCE (S256) of the public client
 * {@value Keycloak#CHAT_PAGE}, driven over plain HTTP as a browser would — Keycloak's login page, its form posted with
 * the user's password and Keycloak's cookies, the redirect back with the code, the code exchanged at the token
 * endpoint. The tokens are the ones the page gets: the ID token's audience is {@value Keycloak#CHAT_PAGE}. The redirect
 * is read, never loaded, so no page needs to run at {@code redirectUri}.
 */
public final class KeycloakLogin {
    private static final Pattern LOGIN_FORM =
            Pattern.compile("<form[^>]*\\bid=\"kc-form-login\"[^>]*\\baction=\"([^\"]+)\"", Pattern.DOTALL);
    /** The message Keycloak's login page shows, e.g. "Invalid username or password.". */
    private static final Pattern FEEDBACK = Pattern.compile(
            "<span[^>]*\\bclass=\"[^\"]*\\bkc-feedback-text\\b[^\"]*\"[^>]*>\\s*(.*?)\\s*</span>", Pattern.DOTALL);

    private static final Pattern NUMERIC_ENTITY = Pattern.compile("&#(x?)([0-9a-fA-F]+);");

    private KeycloakLogin() {}

    /** The token endpoint's answer; {@code nonce} is the one the authorization request sent. */
    public record Tokens(String idToken, String accessToken, String refreshToken, String nonce, JsonNode response) {
        public Jwt id() {
            return Jwt.parse(idToken);
        }

        public Jwt access() {
            return Jwt.parse(accessToken);
        }
    }

    /**
     * Signs {@code user} in to {@value Keycloak#CHAT_PAGE} with the redirect URI {@code redirectUri} (allowed with
     * {@link Keycloak#allowChatPageAt}) and returns the tokens; fails with Keycloak's own message when it refuses.
     */
    public static Tokens signIn(Keycloak keycloak, Keycloak.User user, URI redirectUri) {
        Http http = new Http();
        Map<String, String> cookies = new LinkedHashMap<>();
        String verifier = Keycloak.newSecret() + Keycloak.newSecret();
        String state = Keycloak.newSecret();
        String nonce = Keycloak.newSecret();

        URI authorize = URI.create(keycloak.endpoint("authorization_endpoint") + "?"
                + Keycloak.form(Map.of(
                        "client_id",
                        Keycloak.CHAT_PAGE,
                        "response_type",
                        "code",
                        "scope",
                        "openid profile email",
                        "redirect_uri",
                        redirectUri.toString(),
                        "state",
                        state,
                        "nonce",
                        nonce,
                        "code_challenge",
                        s256(verifier),
                        "code_challenge_method",
                        "S256")));
        Http.Reply loginPage = send(http, HttpRequest.newBuilder(authorize).GET(), cookies);
        Matcher form = LOGIN_FORM.matcher(loginPage.response().body());
        if (loginPage.status() != 200 || !form.find()) {
            throw new IllegalStateException("Keycloak showed no login form for " + authorize + ": " + loginPage.status()
                    + " " + location(loginPage) + " " + loginPage.response().body());
        }

        Http.Reply afterLogin = send(
                http,
                HttpRequest.newBuilder(URI.create(unescapeHtml(form.group(1))))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(Keycloak.form(
                                Map.of("username", user.username(), "password", user.password(), "credentialId", "")))),
                cookies);
        if (afterLogin.status() != 302) {
            Matcher error = FEEDBACK.matcher(afterLogin.response().body());
            throw new IllegalStateException("Keycloak refused the sign-in of " + user.username() + ": "
                    + (error.find() ? unescapeHtml(error.group(1)) : afterLogin.status() + " " + location(afterLogin)));
        }
        URI callback = URI.create(location(afterLogin));
        Map<String, String> params = query(callback);
        if (!callback.toString().startsWith(redirectUri.toString()) || !state.equals(params.get("state"))) {
            throw new IllegalStateException(
                    "Keycloak redirected to " + callback + ", not to " + redirectUri + " with the request's state");
        }
        if (!params.containsKey("code")) {
            throw new IllegalStateException("Keycloak's redirect carries no code: " + callback);
        }

        Http.Reply token = tokenRequest(
                keycloak,
                Map.of(
                        "grant_type",
                        "authorization_code",
                        "client_id",
                        Keycloak.CHAT_PAGE,
                        "code",
                        params.get("code"),
                        "redirect_uri",
                        redirectUri.toString(),
                        "code_verifier",
                        verifier));
        return tokens(token, nonce);
    }

    /** Exchanges a refresh token of {@value Keycloak#CHAT_PAGE} for new tokens, as the page does. */
    public static Tokens refresh(Keycloak keycloak, String refreshToken) {
        Http.Reply token = tokenRequest(
                keycloak,
                Map.of("grant_type", "refresh_token", "client_id", Keycloak.CHAT_PAGE, "refresh_token", refreshToken));
        return tokens(token, null);
    }

    /** A form POST to the token endpoint, answered as it is (for tests of what Keycloak refuses). */
    public static Http.Reply tokenRequest(Keycloak keycloak, Map<String, String> fields) {
        return new Http()
                .send(HttpRequest.newBuilder(keycloak.endpoint("token_endpoint"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(Keycloak.form(fields))));
    }

    /** The query parameters of {@code uri}, decoded. */
    public static Map<String, String> query(URI uri) {
        Map<String, String> params = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            params.put(
                    URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return params;
    }

    private static Tokens tokens(Http.Reply token, String nonce) {
        if (token.status() != 200) {
            throw new IllegalStateException("Keycloak's token endpoint answered " + token.status() + ": "
                    + token.response().body());
        }
        JsonNode json = token.json();
        return new Tokens(
                json.path("id_token").asText(null),
                json.path("access_token").asText(null),
                json.path("refresh_token").asText(null),
                nonce,
                json);
    }

    /** Sends with the cookies Keycloak set so far and keeps the ones it sets now (Keycloak marks them Secure). */
    private static Http.Reply send(Http http, HttpRequest.Builder request, Map<String, String> cookies) {
        if (!cookies.isEmpty()) {
            List<String> pairs = cookies.entrySet().stream()
                    .map(cookie -> cookie.getKey() + "=" + cookie.getValue())
                    .toList();
            request.header("Cookie", String.join("; ", pairs));
        }
        Http.Reply reply = http.send(request);
        for (String setCookie : reply.response().headers().allValues("set-cookie")) {
            String[] attributes = setCookie.split(";");
            int equals = attributes[0].indexOf('=');
            if (equals < 1) {
                continue;
            }
            String name = attributes[0].substring(0, equals).trim();
            String value = attributes[0].substring(equals + 1).trim();
            boolean expired = value.isEmpty();
            for (String attribute : attributes) {
                expired |= attribute.trim().equalsIgnoreCase("Max-Age=0");
            }
            if (expired) {
                cookies.remove(name);
            } else {
                cookies.put(name, value);
            }
        }
        return reply;
    }

    private static String location(Http.Reply reply) {
        return reply.header("Location");
    }

    private static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String unescapeHtml(String text) {
        Matcher numeric = NUMERIC_ENTITY.matcher(text);
        StringBuilder decoded = new StringBuilder();
        while (numeric.find()) {
            int codePoint = Integer.parseInt(numeric.group(2), numeric.group(1).isEmpty() ? 10 : 16);
            numeric.appendReplacement(decoded, Matcher.quoteReplacement(Character.toString(codePoint)));
        }
        numeric.appendTail(decoded);
        return decoded.toString()
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
    }
}
