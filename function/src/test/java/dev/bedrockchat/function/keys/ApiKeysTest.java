package dev.bedrockchat.function.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.MutableClock;
import dev.bedrockchat.function.S3ProxyServer;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.auth.ProgramCallers.KeyLookup;
import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.chat.ErrorCode;
import dev.bedrockchat.function.chat.Principal;
import dev.bedrockchat.function.store.ObjectStore;
import dev.bedrockchat.function.store.local.LocalObjectStore;
import dev.bedrockchat.function.store.s3.S3ObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * API keys on both object stores, alike: the local folder, and an S3 bucket through the real SDK against s3proxy
 * (whose conditional writes are atomic as S3's are). A key is shown once, kept only as its SHA-256, refused once
 * revoked (its records stay), limited to ten live ones per person, and its last use noted at most once a minute.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiKeysTest {
    private static final String BUCKET = "chat-keys";
    private final ObjectMapper mapper = new ObjectMapper();
    private S3ProxyServer s3proxy;
    private S3Client s3;

    @BeforeAll
    void start() throws Exception {
        s3proxy = S3ProxyServer.start();
        s3 = S3Client.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(TestApp.FAKE_CREDENTIALS)
                .httpClient(AwsCrtHttpClient.create())
                .endpointOverride(s3proxy.endpoint())
                .forcePathStyle(true)
                .build();
        s3.createBucket(b -> b.bucket(BUCKET));
    }

    @AfterAll
    void stop() throws Exception {
        s3.close();
        s3proxy.close();
    }

    /** A fresh store of each kind (the S3 one under a prefix of its own is not needed: owners are fresh). */
    Stream<ObjectStore> stores() throws IOException {
        return Stream.of(new LocalObjectStore(Files.createTempDirectory("keys")), new S3ObjectStore(s3, BUCKET));
    }

    private static Principal person() {
        return new Principal("oidc", UUID.randomUUID().toString());
    }

    private JsonNode json(ObjectStore store, String key) throws IOException {
        return mapper.readTree(store.get(key).orElseThrow().content());
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aKeyIsShownOnceAndKeptOnlyAsItsHash(ObjectStore store) throws IOException {
        var clock = new MutableClock(Instant.parse("2026-03-01T10:15:30.123456Z"));
        var keys = new ApiKeys(store, mapper, clock);
        Principal ada = person();

        CreatedKey created = keys.create(ada, "  laptop script  ");

        assertThat(created.key()).matches("bck_[A-Za-z0-9_-]{43}");
        assertThat(created.name()).isEqualTo("laptop script");
        assertThat(created.createdAt()).isEqualTo("2026-03-01T10:15:30.123Z");
        String hash = ApiKeys.hash(created.key());
        assertThat(hash).matches("[0-9a-f]{64}");
        JsonNode byHash = json(store, "keys/by-hash/" + hash + ".json");
        assertThat(byHash.path("id").asText()).isEqualTo(created.id());
        assertThat(byHash.path("owner").toString()).isEqualTo("{\"kind\":\"oidc\",\"id\":\"" + ada.id() + "\"}");
        assertThat(byHash.path("revokedAt").isNull()).isTrue();
        JsonNode byOwner = json(store, "keys/by-owner/" + ada.key() + ".json");
        assertThat(byOwner.at("/keys/0/prefix").asText())
                .isEqualTo(created.key().substring(0, 12));
        assertThat(byOwner.at("/keys/0/hash").asText()).isEqualTo(hash);
        assertThat(byOwner.toString() + byHash).doesNotContain(created.key());
        assertThat(keys.list(ada))
                .containsExactly(new ApiKey(
                        created.id(), "laptop script", created.key().substring(0, 12), created.createdAt(), null));
        assertThat(keys.lookup(created.key())).isEqualTo(new KeyLookup.Owner(ada));
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aRevokedKeyIsRefusedAndKeepsItsRecord(ObjectStore store) throws IOException {
        var keys = new ApiKeys(store, mapper, new MutableClock(Instant.parse("2026-03-01T10:00:00Z")));
        Principal ada = person();
        CreatedKey kept = keys.create(ada, "kept");
        CreatedKey revoked = keys.create(ada, "revoked");

        assertThat(keys.revoke(person(), revoked.id()))
                .as("another person's key")
                .isFalse();
        assertThat(keys.revoke(ada, "not-a-key-id")).isFalse();
        assertThat(keys.revoke(ada, revoked.id())).isTrue();
        assertThat(keys.revoke(ada, revoked.id())).as("already revoked").isFalse();

        assertThat(keys.lookup(revoked.key())).isEqualTo(new KeyLookup.Revoked());
        assertThat(keys.lookup(kept.key())).isEqualTo(new KeyLookup.Owner(ada));
        assertThat(keys.list(ada)).extracting(ApiKey::id).containsExactly(kept.id());
        JsonNode record = json(store, "keys/by-hash/" + ApiKeys.hash(revoked.key()) + ".json");
        assertThat(record.path("revokedAt").asText()).isEqualTo("2026-03-01T10:00:00Z");
        JsonNode list = json(store, "keys/by-owner/" + ada.key() + ".json");
        assertThat(list.path("keys")).hasSize(2);
        assertThat(list.at("/keys/0/revokedAt").asText()).isEqualTo("2026-03-01T10:00:00Z");
    }

    @ParameterizedTest
    @MethodSource("stores")
    void anUnknownOrMalformedKeyIsUnknown(ObjectStore store) {
        var keys = new ApiKeys(store, mapper, new MutableClock(Instant.now()));
        String wellFormed = "bck_" + "A".repeat(43);

        assertThat(keys.lookup(wellFormed)).isEqualTo(new KeyLookup.Unknown());
        assertThat(keys.lookup("bck_short")).isEqualTo(new KeyLookup.Unknown());
        assertThat(keys.lookup("sk-" + "A".repeat(48))).isEqualTo(new KeyLookup.Unknown());
        assertThat(keys.lookup("bck_" + "A".repeat(42) + "=")).isEqualTo(new KeyLookup.Unknown());
    }

    @ParameterizedTest
    @MethodSource("stores")
    void tenLiveKeysAreTheMostAndRevokingOneMakesRoom(ObjectStore store) {
        var keys = new ApiKeys(store, mapper, new MutableClock(Instant.now()));
        Principal ada = person();
        var created = new ArrayList<CreatedKey>();
        for (int i = 1; i <= ApiKeys.MAX_ACTIVE_KEYS; i++) {
            created.add(keys.create(ada, "key " + i));
        }

        assertThatThrownBy(() -> keys.create(ada, "one too many"))
                .isInstanceOfSatisfying(
                        ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT))
                .hasMessageContaining("10 API keys");
        assertThat(keys.list(ada)).hasSize(10);
        assertThat(keys.list(ada).getFirst().name()).as("newest first").isEqualTo("key 10");
        assertThat(keys.create(person(), "another person's").name()).isEqualTo("another person's");

        keys.revoke(ada, created.getFirst().id());
        assertThat(keys.create(ada, "in its place").name()).isEqualTo("in its place");
    }

    @ParameterizedTest
    @MethodSource("stores")
    void keysCreatedAtOnceAreAllKept(ObjectStore store) throws Exception {
        var keys = new ApiKeys(store, mapper, new MutableClock(Instant.now()));
        Principal ada = person();
        var tasks = new ArrayList<Callable<CreatedKey>>();
        for (int i = 0; i < 6; i++) {
            String name = "parallel " + i;
            tasks.add(() -> keys.create(ada, name));
        }
        var ids = new ArrayList<String>();
        try (var pool = Executors.newFixedThreadPool(6)) {
            for (Future<CreatedKey> done : pool.invokeAll(tasks)) {
                ids.add(done.get().id());
            }
        }

        assertThat(keys.list(ada)).extracting(ApiKey::id).containsExactlyInAnyOrderElementsOf(ids);
    }

    @ParameterizedTest
    @MethodSource("stores")
    void theLastUseIsNotedAtMostOnceAMinute(ObjectStore store) throws IOException {
        var clock = new MutableClock(Instant.parse("2026-03-01T10:00:10Z"));
        var keys = new ApiKeys(store, mapper, clock);
        Principal ada = person();
        CreatedKey key = keys.create(ada, "cron");
        String record = "keys/by-hash/" + ApiKeys.hash(key.key()) + ".json";

        keys.lookup(key.key());
        assertThat(keys.list(ada).getFirst().lastUsedAt()).isEqualTo("2026-03-01T10:00:00Z");
        String etag = store.get(record).orElseThrow().etag();

        clock.advance(Duration.ofSeconds(30));
        keys.lookup(key.key());
        assertThat(store.get(record).orElseThrow().etag())
                .as("not written again within the minute")
                .isEqualTo(etag);

        clock.advance(Duration.ofSeconds(31));
        keys.lookup(key.key());
        assertThat(keys.list(ada).getFirst().lastUsedAt()).isEqualTo("2026-03-01T10:01:00Z");
        assertThat(json(store, record).path("lastUsedAt").asText()).isEqualTo("2026-03-01T10:01:00Z");
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aNameIsOneToSixtyFourCharactersOfPlainText(ObjectStore store) {
        var keys = new ApiKeys(store, mapper, new MutableClock(Instant.now()));
        Principal ada = person();

        for (String bad : List.of("", "   ", "x".repeat(65), "two\nlines")) {
            assertThatThrownBy(() -> keys.create(ada, bad))
                    .isInstanceOfSatisfying(
                            ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_ERROR));
        }
        assertThat(keys.create(ada, "é".repeat(64)).name()).hasSize(64);
        assertThat(keys.list(ada)).hasSize(1);
    }

    @ParameterizedTest
    @MethodSource("stores")
    void keysAreThirtyTwoRandomBytes(ObjectStore store) {
        var keys = new ApiKeys(store, mapper, new MutableClock(Instant.now()));
        Principal ada = person();
        String a = keys.create(ada, "a").key();
        String b = keys.create(ada, "b").key();

        assertThat(a).isNotEqualTo(b);
        assertThat(java.util.Base64.getUrlDecoder().decode(a.substring(4))).hasSize(32);
        assertThat(ApiKeys.hash(a))
                .isEqualTo(java.util.HexFormat.of().formatHex(sha256(a.getBytes(StandardCharsets.UTF_8))));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
