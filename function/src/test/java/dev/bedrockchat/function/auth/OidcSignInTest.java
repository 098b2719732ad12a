package dev.bedrockchat.function.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.bedrockchat.function.MutableClock;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.testing.OidcProviderStub;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code AUTH_MODE=oidc} verified by the function, against a real provider served in the test (discovery and key set
 * over HTTP): valid ID and access tokens sign in, and every check refuses what it must, through the real server, with
 * its reason and a message that names the check and never the key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OidcSignInTest {
    private static final String SUBJECT = "3b0c8f4e-6a1d-4f7b-9e2a-5c8d7f6e1a2b";

    private OidcProviderStub provider;
    private MutableClock clock;
    private TestApp app;

    @BeforeAll
    void start() {
        provider = OidcProviderStub.start();
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        app = TestApp.start(
                Map.of(
                        "CHAT_MODE",
                        "offline",
                        "AUTH_MODE",
                        "oidc",
                        "OIDC_ISSUER",
                        provider.issuer(),
                        "OIDC_CLIENT_ID",
                        OidcProviderStub.CLIENT_ID),
                builder -> builder.clock(clock));
    }

    @AfterAll
    void stop() {
        app.close();
        provider.close();
    }

    private Instant now() {
        return clock.instant();
    }

    private JWTClaimsSet.Builder claims() {
        return provider.idTokenClaims(SUBJECT, now());
    }

    @Test
    void aValidIdTokenSignsThePersonIn() {
        String token = provider.idToken(SUBJECT, now());

        HttpResponse<String> me = app.get("/api/me", "X-Chat-Token", token);

        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(TestApp.json(me))
                .isEqualTo(TestApp.json("{\"principal\":{\"kind\":\"oidc\",\"id\":\"" + SUBJECT
                        + "\",\"name\":\"Ada Lovelace\",\"email\":\"ada@example.com\"},\"auth\":\"oidc\"}"));
        assertThat(app.get("/api/models", "X-Chat-Token", token).statusCode()).isEqualTo(200);
        assertThat(app.get("/api/models", "Authorization", "Bearer " + token).statusCode())
                .isEqualTo(200);
        JsonNode line = app.requestLog(TestApp.requestId(me));
        assertThat(line.path("principal").asText()).isEqualTo("oidc");
        assertThat(app.rawLog()).doesNotContain(SUBJECT, "Ada Lovelace", "ada@example.com", token);
    }

    @Test
    void aChatBelongsToThePersonWhoSignedIn() {
        String token = provider.idToken(SUBJECT, now());

        HttpResponse<String> chat = app.postJson("/api/chat", "{\"message\":\"hello\"}", "X-Chat-Token", token);

        assertThat(chat.statusCode()).isEqualTo(200);
        JsonNode artifact = app.awaitArtifact(TestApp.requestId(chat));
        assertThat(artifact.toString()).doesNotContain("Ada Lovelace", "ada@example.com");
        assertThat(app.requestLog(TestApp.requestId(chat)).path("principal").asText())
                .isEqualTo("oidc");
    }

    @Test
    void anAccessTokenForThePagesClientSignsInToo() {
        HttpResponse<String> me = app.get("/api/me", "X-Chat-Token", provider.accessToken(SUBJECT, now()));

        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(TestApp.json(me).path("principal"))
                .isEqualTo(TestApp.json("{\"kind\":\"oidc\",\"id\":\"" + SUBJECT + "\",\"name\":\"ada\"}"));
    }

    @Test
    void aCognitoAccessTokenNamesTheClientInClientId() {
        String token = provider.sign(new JWTClaimsSet.Builder()
                .issuer(provider.issuer())
                .subject(SUBJECT)
                .claim("client_id", OidcProviderStub.CLIENT_ID)
                .claim("token_use", "access")
                .claim("username", "ada")
                .issueTime(Date.from(now()))
                .expirationTime(Date.from(now().plusSeconds(60)))
                .build());

        HttpResponse<String> me = app.get("/api/me", "Authorization", "Bearer " + token);

        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(TestApp.json(me).path("principal"))
                .isEqualTo(TestApp.json("{\"kind\":\"oidc\",\"id\":\"" + SUBJECT + "\"}"));
    }

    @Test
    void theClockMayBeOffByAMinute() {
        assertThat(status(provider.idToken(SUBJECT, now(), c -> c.expirationTime(Date.from(now().minusSeconds(59))))))
                .isEqualTo(200);
        assertThat(status(provider.idToken(SUBJECT, now(), c -> c.notBeforeTime(Date.from(now().plusSeconds(59))))))
                .isEqualTo(200);
        assertThat(status(provider.idToken(SUBJECT, now(), c -> c.issueTime(Date.from(now().plusSeconds(59))))))
                .isEqualTo(200);
    }

    @Test
    void anAudienceListThatContainsTheClientIsEnough() {
        assertThat(status(provider.idToken(
                        SUBJECT, now(), c -> c.audience(List.of("other-app", OidcProviderStub.CLIENT_ID)))))
                .isEqualTo(200);
    }

    private int status(String token) {
        return app.get("/api/me", "X-Chat-Token", token).statusCode();
    }

    /** Each refused token: what it is, the token, the reason, a part of the message. */
    Stream<Arguments> refusedTokens() {
        RSAKey key = provider.signingKey();
        String kid = key.getKeyID();
        JWTClaimsSet valid = claims().build();
        String good = provider.sign(valid);
        String[] parts = good.split("\\.");
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}";
        String payload = valid.toString();
        Function<String, String> resignedHeader = json -> OidcTokens.raw(json, payload, parts[2]);
        RSAKey impostor = OidcProviderStub.newKey();
        byte[] publicKey = OidcTokens.publicKeyBytes(key);
        return Stream.of(
                // The form.
                Arguments.of("one part", "abc", AuthReason.MALFORMED_TOKEN, "three base64url parts"),
                Arguments.of("two parts", "abc.def", AuthReason.MALFORMED_TOKEN, "three base64url parts"),
                Arguments.of("four parts", good + ".x", AuthReason.MALFORMED_TOKEN, "three base64url parts"),
                Arguments.of("empty payload", parts[0] + ".." + parts[2], AuthReason.MALFORMED_TOKEN, "three"),
                Arguments.of(
                        "not base64url",
                        parts[0] + ".e30=." + parts[2],
                        AuthReason.MALFORMED_TOKEN,
                        "payload is not base64url"),
                Arguments.of(
                        "impossible base64 length",
                        "a." + parts[1] + "." + parts[2],
                        AuthReason.MALFORMED_TOKEN,
                        "header is not valid base64url"),
                Arguments.of(
                        "header not JSON",
                        OidcTokens.base64url("hello") + "." + parts[1] + "." + parts[2],
                        AuthReason.MALFORMED_TOKEN,
                        "header is not one JSON object"),
                Arguments.of(
                        "payload not JSON",
                        parts[0] + "." + OidcTokens.base64url("[1,2]") + "." + parts[2],
                        AuthReason.MALFORMED_TOKEN,
                        "payload is not one JSON object"),
                Arguments.of(
                        "duplicate header member",
                        resignedHeader.apply("{\"alg\":\"RS256\",\"alg\":\"none\",\"kid\":\"" + kid + "\"}"),
                        AuthReason.MALFORMED_TOKEN,
                        "repeats a member"),
                Arguments.of(
                        "something after the header object",
                        resignedHeader.apply(header + "{\"alg\":\"none\"}"),
                        AuthReason.MALFORMED_TOKEN,
                        "header is not one JSON object"),
                Arguments.of(
                        "longer than 16 KiB",
                        provider.idToken(SUBJECT, now(), c -> c.claim("padding", "x".repeat(16 * 1024))),
                        AuthReason.MALFORMED_TOKEN,
                        "longer than 16 KiB"),
                Arguments.of(
                        "another type",
                        OidcProviderStub.sign(
                                new JWSHeader.Builder(JWSAlgorithm.RS256)
                                        .keyID(kid)
                                        .type(new JOSEObjectType("secevent+jwt"))
                                        .build(),
                                valid,
                                key),
                        AuthReason.MALFORMED_TOKEN,
                        "type (typ) is neither JWT nor at+jwt"),
                Arguments.of(
                        "critical extension",
                        OidcProviderStub.sign(
                                new JWSHeader.Builder(JWSAlgorithm.RS256)
                                        .keyID(kid)
                                        .criticalParams(java.util.Set.of("exp-ext"))
                                        .customParam("exp-ext", 1)
                                        .build(),
                                valid,
                                key),
                        AuthReason.MALFORMED_TOKEN,
                        "critical extensions"),
                Arguments.of(
                        "kid not a string",
                        resignedHeader.apply("{\"alg\":\"RS256\",\"kid\":7}"),
                        AuthReason.MALFORMED_TOKEN,
                        "key id (kid) is not a string"),
                Arguments.of(
                        "no exp",
                        provider.idToken(SUBJECT, now(), c -> c.expirationTime(null)),
                        AuthReason.MALFORMED_TOKEN,
                        "no expiry time (exp)"),
                Arguments.of(
                        "exp not a number",
                        provider.idToken(SUBJECT, now(), c -> c.claim("exp", "tomorrow")),
                        AuthReason.MALFORMED_TOKEN,
                        "exp is not a time"),
                Arguments.of(
                        "no sub",
                        provider.idToken(SUBJECT, now(), c -> c.subject(null)),
                        AuthReason.MALFORMED_TOKEN,
                        "no subject (sub)"),
                // The algorithm.
                Arguments.of("alg none", OidcTokens.unsigned(valid), AuthReason.UNSUPPORTED_ALGORITHM, "'none'"),
                Arguments.of(
                        "alg none with a signature",
                        OidcTokens.raw("{\"alg\":\"none\",\"kid\":\"" + kid + "\"}", payload, parts[2]),
                        AuthReason.UNSUPPORTED_ALGORITHM,
                        "only RS256"),
                Arguments.of(
                        "no alg",
                        resignedHeader.apply("{\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}"),
                        AuthReason.UNSUPPORTED_ALGORITHM,
                        "names no algorithm"),
                Arguments.of(
                        "HS256 keyed with the provider's RSA public key",
                        OidcTokens.hmac(JWSAlgorithm.HS256, publicKey, kid, valid),
                        AuthReason.UNSUPPORTED_ALGORITHM,
                        "'HS256': only RS256"),
                Arguments.of(
                        "HS384",
                        OidcTokens.hmac(JWSAlgorithm.HS384, publicKey, kid, valid),
                        AuthReason.UNSUPPORTED_ALGORITHM,
                        "'HS384'"),
                Arguments.of(
                        "HS512",
                        OidcTokens.hmac(JWSAlgorithm.HS512, publicKey, kid, valid),
                        AuthReason.UNSUPPORTED_ALGORITHM,
                        "'HS512'"),
                Arguments.of("ES256", OidcTokens.es256(kid, valid), AuthReason.UNSUPPORTED_ALGORITHM, "'ES256'"),
                Arguments.of(
                        "PS256 with the provider's own key",
                        OidcProviderStub.sign(
                                new JWSHeader.Builder(JWSAlgorithm.PS256)
                                        .keyID(kid)
                                        .build(),
                                valid,
                                key),
                        AuthReason.UNSUPPORTED_ALGORITHM,
                        "'PS256'"),
                Arguments.of(
                        "RS512 with the provider's own key",
                        OidcProviderStub.sign(
                                new JWSHeader.Builder(JWSAlgorithm.RS512)
                                        .keyID(kid)
                                        .build(),
                                valid,
                                key),
                        AuthReason.UNSUPPORTED_ALGORITHM,
                        "'RS512'"),
                Arguments.of(
                        "an algorithm name with markup",
                        resignedHeader.apply("{\"alg\":\"<script>\",\"kid\":\"" + kid + "\"}"),
                        AuthReason.UNSUPPORTED_ALGORITHM,
                        "an unknown algorithm"),
                // The key and the signature.
                Arguments.of(
                        "unknown key id",
                        OidcProviderStub.sign(
                                new JWSHeader.Builder(JWSAlgorithm.RS256)
                                        .keyID(impostor.getKeyID())
                                        .build(),
                                valid,
                                impostor),
                        AuthReason.UNKNOWN_KEY,
                        "key the provider does not publish"),
                Arguments.of(
                        "another key under the provider's key id",
                        OidcProviderStub.sign(
                                new JWSHeader.Builder(JWSAlgorithm.RS256)
                                        .keyID(kid)
                                        .build(),
                                valid,
                                impostor),
                        AuthReason.BAD_SIGNATURE,
                        "signature does not verify"),
                Arguments.of(
                        "payload changed after signing",
                        parts[0] + "."
                                + OidcTokens.base64url(payload.replace(SUBJECT, "someone-else"))
                                + "." + parts[2],
                        AuthReason.BAD_SIGNATURE,
                        "signature does not verify"),
                Arguments.of(
                        "signature cut short",
                        parts[0] + "." + parts[1] + "." + parts[2].substring(0, 40),
                        AuthReason.BAD_SIGNATURE,
                        "signature does not verify"),
                Arguments.of(
                        "no signature",
                        parts[0] + "." + parts[1] + ".",
                        AuthReason.BAD_SIGNATURE,
                        "signature does not verify"),
                // The claims.
                Arguments.of(
                        "another issuer",
                        provider.idToken(SUBJECT, now(), c -> c.issuer("https://login.example.org")),
                        AuthReason.WRONG_ISSUER,
                        "not issued by this deployment's provider"),
                Arguments.of(
                        "no issuer",
                        provider.idToken(SUBJECT, now(), c -> c.issuer(null)),
                        AuthReason.WRONG_ISSUER,
                        "(iss is not " + provider.issuer() + ")"),
                Arguments.of(
                        "another audience",
                        provider.idToken(SUBJECT, now(), c -> c.audience("other-app")),
                        AuthReason.WRONG_AUDIENCE,
                        "issued for another application"),
                Arguments.of(
                        "no audience",
                        provider.idToken(SUBJECT, now(), c -> c.audience((String) null)),
                        AuthReason.WRONG_AUDIENCE,
                        "neither its audience (aud) nor client_id nor azp"),
                Arguments.of(
                        "another client's access token",
                        provider.idToken(
                                SUBJECT, now(), c -> c.audience("account").claim("azp", "other-app")),
                        AuthReason.WRONG_AUDIENCE,
                        "issued for another application"),
                Arguments.of(
                        "expired beyond the skew",
                        provider.idToken(SUBJECT, now(), c -> c.expirationTime(Date.from(now().minusSeconds(61)))),
                        AuthReason.EXPIRED,
                        "The token expired at " + now().minusSeconds(61)),
                Arguments.of(
                        "not valid yet",
                        provider.idToken(SUBJECT, now(), c -> c.notBeforeTime(Date.from(now().plusSeconds(61)))),
                        AuthReason.NOT_YET_VALID,
                        "not valid before " + now().plusSeconds(61)),
                Arguments.of(
                        "issued in the future",
                        provider.idToken(SUBJECT, now(), c -> c.issueTime(Date.from(now().plusSeconds(120)))),
                        AuthReason.NOT_YET_VALID,
                        "issued in the future"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedTokens")
    void everyCheckRefusesWithItsReason(String what, String token, AuthReason reason, String message) {
        HttpResponse<String> response = app.get("/api/me", "X-Chat-Token", token);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"bedrock-chat\"");
        JsonNode error = TestApp.json(response).path("error");
        assertThat(error.path("code").asText()).isEqualTo("Unauthorized");
        assertThat(error.path("reason").asText()).isEqualTo(reason.wireName());
        assertThat(error.path("message").asText()).contains(message);
        assertThat(error.path("requestId").asText()).isEqualTo(TestApp.requestId(response));
        // Never which key, never the token.
        assertThat(response.body())
                .doesNotContain(provider.signingKey().getKeyID())
                .doesNotContain(provider.signingKey().getModulus().toString())
                .doesNotContain(token.length() > 20 ? token.substring(token.length() - 20) : "\u0000");
        JsonNode line = app.requestLog(TestApp.requestId(response));
        assertThat(line.path("status").asInt()).isEqualTo(401);
        assertThat(line.path("errorReason").asText()).isEqualTo(reason.wireName());
        assertThat(line.path("principal").asText()).isEqualTo("anonymous");
    }

    @Test
    void noTokenIsAMissingToken() {
        HttpResponse<String> response = app.get("/api/me");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(TestApp.json(response).at("/error/reason").asText()).isEqualTo("missing_token");
        assertThat(TestApp.json(response).at("/error/message").asText())
                .isEqualTo("Sign in first: send your ID token in the header 'X-Chat-Token: <token>' "
                        + "(or 'Authorization: Bearer <token>')");
        assertThat(app.get("/api/me", "Authorization", "Basic YWRhOnNlY3JldA==").statusCode())
                .isEqualTo(401);
    }

    @Test
    void openRoutesIgnoreABadTokenAndStillIdentifyAGoodOne() {
        HttpResponse<String> health = app.get("/api/health", "X-Chat-Token", "garbage");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(TestApp.json(health).path("auth").asText()).isEqualTo("oidc");
        assertThat(app.requestLog(TestApp.requestId(health)).path("principal").asText())
                .isEqualTo("anonymous");

        HttpResponse<String> config = app.get("/api/auth/config", "X-Chat-Token", provider.idToken(SUBJECT, now()));
        assertThat(config.statusCode()).isEqualTo(200);
        assertThat(app.requestLog(TestApp.requestId(config)).path("principal").asText())
                .isEqualTo("oidc");
    }

    @Test
    void theTokenIsCheckedAgainAfterTimePasses() {
        String token = provider.idToken(SUBJECT, now());
        assertThat(status(token)).isEqualTo(200);

        clock.advance(Duration.ofSeconds(300 + 61));
        try {
            HttpResponse<String> later = app.get("/api/me", "X-Chat-Token", token);
            assertThat(later.statusCode()).isEqualTo(401);
            assertThat(TestApp.json(later).at("/error/reason").asText()).isEqualTo("expired");
        } finally {
            clock.advance(Duration.ofSeconds(-(300 + 61)));
        }
    }
}
