package dev.bedrockchat.function.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.RSAKey;
import dev.bedrockchat.function.MutableClock;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.testing.OidcProviderStub;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The provider's keys: fetched once at start-up, fetched again for an unknown key id (a rotation) but at most once per
 * 30 seconds whatever key ids tokens make up, kept when a fetch fails, renewed after an hour, and a key the provider
 * withdrew is refused as revoked.
 */
class OidcKeyRotationTest {
    private static final String SUBJECT = "person-1";

    private OidcProviderStub provider;
    private MutableClock clock;
    private TestApp app;

    @BeforeEach
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

    @AfterEach
    void stop() {
        app.close();
        provider.close();
    }

    private HttpResponse<String> me(String token) {
        return app.get("/api/me", "X-Chat-Token", token);
    }

    private static String reason(HttpResponse<String> response) {
        return TestApp.json(response).at("/error/reason").asText();
    }

    /** A token signed by a key the provider never published, under a key id nobody knows. */
    private String madeUpKeyToken() {
        RSAKey stranger = OidcProviderStub.newKey();
        return OidcProviderStub.sign(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(stranger.getKeyID())
                        .build(),
                provider.idTokenClaims(SUBJECT, clock.instant()).build(),
                stranger);
    }

    @Test
    void aRotatedKeyIsFetchedOnceAndTheWithdrawnOneIsRevoked() {
        assertThat(provider.keySetRequests()).isEqualTo(1);
        String before = provider.idToken(SUBJECT, clock.instant());
        assertThat(me(before).statusCode()).isEqualTo(200);

        provider.rotate();
        clock.advance(Duration.ofSeconds(31));
        String after = provider.idToken(SUBJECT, clock.instant());

        assertThat(me(after).statusCode()).isEqualTo(200);
        assertThat(provider.keySetRequests()).isEqualTo(2);
        assertThat(me(after).statusCode()).isEqualTo(200);
        assertThat(provider.keySetRequests()).as("cached").isEqualTo(2);
        HttpResponse<String> old = me(before);
        assertThat(old.statusCode()).isEqualTo(401);
        assertThat(reason(old)).isEqualTo("revoked_key");
        assertThat(TestApp.json(old).at("/error/message").asText())
                .isEqualTo("The token is signed with a key the provider has withdrawn: sign in again");
        assertThat(provider.keySetRequests())
                .as("a withdrawn key is not fetched again")
                .isEqualTo(2);
        JsonNode refreshed = app.awaitLogLine(line -> line.path("type").asText().equals("oidc_keys_refreshed"));
        assertThat(refreshed.path("trigger").asText()).isEqualTo("unknown_kid");
        assertThat(refreshed.path("keys").asInt()).isEqualTo(1);
        assertThat(refreshed.path("added").asInt()).isEqualTo(1);
        assertThat(refreshed.path("withdrawn").asInt()).isEqualTo(1);
    }

    @Test
    void madeUpKeyIdsFetchTheKeySetAtMostOncePer30Seconds() {
        clock.advance(Duration.ofSeconds(31));

        HttpResponse<String> first = me(madeUpKeyToken());
        assertThat(first.statusCode()).isEqualTo(401);
        assertThat(reason(first)).isEqualTo("unknown_key");
        assertThat(provider.keySetRequests()).isEqualTo(2);

        for (int i = 0; i < 20; i++) {
            assertThat(reason(me(madeUpKeyToken()))).isEqualTo("unknown_key");
        }
        assertThat(provider.keySetRequests()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(29));
        assertThat(reason(me(madeUpKeyToken()))).isEqualTo("unknown_key");
        assertThat(provider.keySetRequests()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(1));
        assertThat(reason(me(madeUpKeyToken()))).isEqualTo("unknown_key");
        assertThat(provider.keySetRequests()).isEqualTo(3);
    }

    @Test
    void withinTheFirst30SecondsARotatedKeyWaitsForTheNextFetch() {
        provider.rotate();
        String token = provider.idToken(SUBJECT, clock.instant());

        assertThat(reason(me(token))).isEqualTo("unknown_key");
        assertThat(provider.keySetRequests()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(30));
        assertThat(me(token).statusCode()).isEqualTo(200);
        assertThat(provider.keySetRequests()).isEqualTo(2);
    }

    @Test
    void aNewKeyBesideTheOldKeepsBothValid() {
        String old = provider.idToken(SUBJECT, clock.instant());
        provider.addSigningKey();
        clock.advance(Duration.ofSeconds(31));

        assertThat(me(provider.idToken(SUBJECT, clock.instant())).statusCode()).isEqualTo(200);
        assertThat(me(old).statusCode()).isEqualTo(200);
        assertThat(provider.keySetRequests()).isEqualTo(2);
    }

    @Test
    void aFailedFetchKeepsTheKeysThereWere() {
        String valid = provider.idToken(SUBJECT, clock.instant());
        provider.answerKeySet(503, "{\"error\":\"maintenance\"}");
        clock.advance(Duration.ofSeconds(31));

        assertThat(reason(me(madeUpKeyToken()))).isEqualTo("unknown_key");
        assertThat(provider.keySetRequests()).isEqualTo(2);
        assertThat(me(valid).statusCode()).isEqualTo(200);
        JsonNode failed = app.awaitLogLine(line -> line.path("type").asText().equals("oidc_keys_refresh_failed"));
        assertThat(failed.path("level").asText()).isEqualTo("warn");
        assertThat(failed.path("problem").asText()).isEqualTo("answered HTTP 503 instead of 200");
        assertThat(failed.path("keptKeys").asInt()).isEqualTo(1);

        provider.answerKeySet(200, "{\"keys\":[]}");
        clock.advance(Duration.ofSeconds(31));
        assertThat(reason(me(madeUpKeyToken()))).isEqualTo("unknown_key");
        assertThat(me(valid).statusCode())
                .as("an empty key set is not taken for a withdrawal of every key")
                .isEqualTo(200);
    }

    @Test
    void keysOlderThanAnHourAreFetchedAgain() {
        clock.advance(Duration.ofMinutes(61));

        assertThat(me(provider.idToken(SUBJECT, clock.instant())).statusCode()).isEqualTo(200);
        assertThat(provider.keySetRequests()).isEqualTo(2);
        assertThat(app.awaitLogLine(line -> line.path("type").asText().equals("oidc_keys_refreshed"))
                        .path("trigger")
                        .asText())
                .isEqualTo("stale");
    }

    @Test
    void manyRequestsWithTheNewKeyAtOnceFetchItOnce() throws Exception {
        provider.rotate();
        clock.advance(Duration.ofSeconds(31));
        String token = provider.idToken(SUBJECT, clock.instant());

        var statuses = new ArrayList<Integer>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var calls = new ArrayList<Callable<Integer>>();
            for (int i = 0; i < 16; i++) {
                calls.add(() -> me(token).statusCode());
            }
            for (Future<Integer> result : pool.invokeAll(calls)) {
                statuses.add(result.get());
            }
        }

        assertThat(statuses).hasSize(16).containsOnly(200);
        assertThat(provider.keySetRequests()).isEqualTo(2);
    }
}
