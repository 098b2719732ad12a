package dev.bedrockchat.function.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A real OpenID Connect provider's public side, for tests: it serves its discovery document
 * ({@code <issuer>/.well-known/openid-configuration}) and its key set ({@code <issuer>/protocol/openid-connect/certs})
 * over HTTP on a free port, like Keycloak with a realm, and mints tokens signed with its RSA keys (2048 bits). Keys
 * can be rotated and withdrawn, and either document can be made to answer something else, for the failures.
 *
 * <p>It has no login and no token endpoint of its own: tests mint the tokens a sign-in would have produced.
 */
public final class OidcProviderStub implements AutoCloseable {
    /** The page's client id at this provider. */
    public static final String CLIENT_ID = "bedrock-chat";

    private static final String REALM = "/realms/chat";

    private final HttpServer server;
    private final ExecutorService executor;
    private final String issuer;
    private final AtomicInteger discoveryRequests = new AtomicInteger();
    private final AtomicInteger keySetRequests = new AtomicInteger();
    private volatile RSAKey signingKey;
    private volatile List<RSAKey> published;
    private volatile Answer discoveryAnswer;
    private volatile Answer keySetAnswer;

    /** A document's answer instead of the real one. */
    private record Answer(int status, String body) {}

    private OidcProviderStub(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
        this.issuer = "http://127.0.0.1:" + server.getAddress().getPort() + REALM;
        this.signingKey = newKey();
        this.published = List.of(signingKey);
        server.createContext(REALM + "/.well-known/openid-configuration", this::discovery);
        server.createContext(REALM + "/protocol/openid-connect/certs", this::keySet);
    }

    public static OidcProviderStub start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
            server.setExecutor(executor);
            var stub = new OidcProviderStub(server, executor);
            server.start();
            return stub;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:<port>/realms/chat}. */
    public String issuer() {
        return issuer;
    }

    public URI keySetUri() {
        return URI.create(issuer + "/protocol/openid-connect/certs");
    }

    public URI authorizationEndpoint() {
        return URI.create(issuer + "/protocol/openid-connect/auth");
    }

    public URI tokenEndpoint() {
        return URI.create(issuer + "/protocol/openid-connect/token");
    }

    public URI endSessionEndpoint() {
        return URI.create(issuer + "/protocol/openid-connect/logout");
    }

    /** The discovery document as served (unless {@link #answerDiscovery} replaced it). */
    public String discoveryDocument() {
        return "{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + authorizationEndpoint()
                + "\",\"token_endpoint\":\"" + tokenEndpoint() + "\",\"end_session_endpoint\":\""
                + endSessionEndpoint() + "\",\"jwks_uri\":\"" + keySetUri()
                + "\",\"response_types_supported\":[\"code\"],\"subject_types_supported\":[\"public\"],"
                + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}";
    }

    /** The key the provider signs with now (its private part too). */
    public RSAKey signingKey() {
        return signingKey;
    }

    /** How many times the key set was fetched. */
    public int keySetRequests() {
        return keySetRequests.get();
    }

    public int discoveryRequests() {
        return discoveryRequests.get();
    }

    /** A new RSA key pair with a random key id, not published. */
    public static RSAKey newKey() {
        try {
            return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key rotation: a new signing key, published alone (every earlier key is withdrawn). */
    public RSAKey rotate() {
        RSAKey next = newKey();
        signingKey = next;
        published = List.of(next);
        return next;
    }

    /** Publishes a new key beside the current ones and signs with it from now on. */
    public RSAKey addSigningKey() {
        RSAKey next = newKey();
        var keys = new ArrayList<>(published);
        keys.add(next);
        published = List.copyOf(keys);
        signingKey = next;
        return next;
    }

    /** Publishes exactly these keys (their public parts). */
    public void publish(RSAKey... keys) {
        published = List.of(keys);
    }

    /** The key set answers this instead (status and body); {@link #serveNormally()} undoes it. */
    public void answerKeySet(int status, String body) {
        keySetAnswer = new Answer(status, body);
    }

    /** The discovery document answers this instead (status and body). */
    public void answerDiscovery(int status, String body) {
        discoveryAnswer = new Answer(status, body);
    }

    public void serveNormally() {
        keySetAnswer = null;
        discoveryAnswer = null;
    }

    /**
     * The claims of an ID token for the page's client, issued now and valid for five minutes: {@code iss}, {@code sub},
     * {@code aud}, {@code iat}, {@code exp}, {@code name}, {@code email}.
     */
    public JWTClaimsSet.Builder idTokenClaims(String subject, Instant now) {
        return new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(subject)
                .audience(CLIENT_ID)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .claim("name", "Ada Lovelace")
                .claim("email", "ada@example.com");
    }

    /** An ID token for the subject, signed with the current key. */
    public String idToken(String subject, Instant now) {
        return sign(idTokenClaims(subject, now).build());
    }

    /** The claims adjusted before signing. */
    public String idToken(String subject, Instant now, Consumer<JWTClaimsSet.Builder> adjust) {
        JWTClaimsSet.Builder claims = idTokenClaims(subject, now);
        adjust.accept(claims);
        return sign(claims.build());
    }

    /**
     * An access token as Keycloak issues one: {@code typ} {@code at+jwt}, audience another service, {@code azp} the
     * page's client.
     */
    public String accessToken(String subject, Instant now) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(subject)
                .audience("account")
                .claim("azp", CLIENT_ID)
                .claim("scope", "openid email profile")
                .claim("preferred_username", "ada")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .build();
        return sign(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(signingKey.getKeyID())
                        .type(new JOSEObjectType("at+jwt"))
                        .build(),
                claims,
                signingKey);
    }

    /** RS256 with the current key, {@code typ} JWT. */
    public String sign(JWTClaimsSet claims) {
        return sign(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(signingKey.getKeyID())
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims,
                signingKey);
    }

    /** The claims signed with any RSA key, with any header (RS256, PS256, …). */
    public static String sign(JWSHeader header, JWTClaimsSet claims, RSAKey key) {
        try {
            var jwt = new SignedJWT(header, claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private void discovery(HttpExchange exchange) throws IOException {
        discoveryRequests.incrementAndGet();
        Answer answer = discoveryAnswer;
        respond(exchange, answer == null ? 200 : answer.status(), answer == null ? discoveryDocument() : answer.body());
    }

    private void keySet(HttpExchange exchange) throws IOException {
        keySetRequests.incrementAndGet();
        Answer answer = keySetAnswer;
        if (answer != null) {
            respond(exchange, answer.status(), answer.body());
            return;
        }
        List<JWK> keys = new ArrayList<>(published);
        respond(exchange, 200, new JWKSet(keys).toString(true));
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
