package dev.bedrockchat.function.keys;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.auth.ProgramCallers;
import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.chat.Deadline;
import dev.bedrockchat.function.chat.ErrorCode;
import dev.bedrockchat.function.chat.Principal;
import dev.bedrockchat.function.keys.KeyDocuments.ByHash;
import dev.bedrockchat.function.keys.KeyDocuments.ByOwner;
import dev.bedrockchat.function.keys.KeyDocuments.Entry;
import dev.bedrockchat.function.store.Backoff;
import dev.bedrockchat.function.store.ConditionFailedException;
import dev.bedrockchat.function.store.ObjectStore;
import dev.bedrockchat.function.store.ObjectStore.Condition;
import dev.bedrockchat.function.store.ObjectStore.StoredObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Per-person API keys for programs, in an {@link ObjectStore} (an S3 bucket or a local folder, alike):
 *
 * <ul>
 *   <li>{@code keys/by-hash/<sha256>.json}: what a presented key stands for (owner, id, revoked or not);
 *   <li>{@code keys/by-owner/<principalKey>.json}: the person's list of keys (names, prefixes, dates).
 * </ul>
 *
 * <p>A key is {@code bck_} and 43 base64url characters (32 random bytes); only its SHA-256 is kept, so the key itself
 * is shown once, when it is created, and never again. A revoked key keeps its records (with {@code revokedAt}), and
 * is refused from then on. Every write is conditional (absent, or unchanged since it was read), and a write that
 * loses a race is read again and retried, so two requests of one person never undo each other.
 *
 * <p>A person has at most {@link #MAX_ACTIVE_KEYS} live keys. When a key was last used is recorded at most once per
 * {@link #LAST_USED_RESOLUTION} and key, best effort (a failed update does not fail the call that used it).
 */
public final class ApiKeys implements ProgramCallers.KeyOwners {
    public static final String BY_HASH = "keys/by-hash/";
    public static final String BY_OWNER = "keys/by-owner/";
    public static final int MAX_ACTIVE_KEYS = 10;
    public static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);
    /** The longest a create or revoke may retry writes that lose a race. */
    public static final Duration OPERATION_LIMIT = Duration.ofSeconds(10);
    /** How many revoked keys a person's list keeps (their by-hash records stay regardless). */
    static final int REVOKED_KEPT = 50;

    public static final String KEY_PREFIX = "bck_";
    public static final int PREFIX_LENGTH = 12;
    public static final int MAX_NAME_LENGTH = 64;

    private static final Pattern KEY = Pattern.compile("bck_[A-Za-z0-9_-]{43}");
    private static final Pattern KEY_ID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final ObjectStore objects;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final Backoff backoff;

    public ApiKeys(ObjectStore objects, ObjectMapper mapper, Clock clock) {
        this.objects = objects;
        this.mapper = mapper;
        this.clock = clock;
        this.backoff = Backoff.standard();
    }

    /** The SHA-256 of a key, in lower-case hex: the only form in which a key is stored. */
    public static String hash(String key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    static String byHashKey(String hash) {
        return BY_HASH + hash + ".json";
    }

    static String byOwnerKey(Principal owner) {
        return BY_OWNER + owner.key() + ".json";
    }

    /**
     * Creates a key for the owner.
     *
     * @throws ChatException ValidationError for a name that is not 1 to 64 characters; Conflict when the owner
     *     already has {@link #MAX_ACTIVE_KEYS} live keys; StorageUnavailable
     */
    public CreatedKey create(Principal owner, String name) {
        String keyName = validName(name);
        if (activeCount(read(owner).map(Read::document)) >= MAX_ACTIVE_KEYS) {
            throw tooMany();
        }
        String key = newKey();
        String hash = hash(key);
        String id = UUID.randomUUID().toString();
        String now = now();
        put(byHashKey(hash), new ByHash(id, owner, now, null, null), Condition.ifAbsent());
        var entry = new Entry(id, keyName, key.substring(0, PREFIX_LENGTH), hash, now, null, null);
        try {
            updateOwner(owner, current -> {
                if (activeCount(Optional.of(current)) >= MAX_ACTIVE_KEYS) {
                    throw tooMany();
                }
                var keys = new ArrayList<Entry>();
                keys.add(entry);
                keys.addAll(current.keys());
                return new ByOwner(owner, keys);
            });
        } catch (RuntimeException e) {
            // The key was never shown, so nobody holds it; its record is retired all the same.
            retire(hash, now);
            throw e;
        }
        return new CreatedKey(id, keyName, key, now);
    }

    /**
     * The owner's live keys, newest first.
     *
     * @throws ChatException StorageUnavailable
     */
    public List<ApiKey> list(Principal owner) {
        return read(owner)
                .map(read -> read.document().keys().stream()
                        .filter(Entry::active)
                        .map(Entry::view)
                        .toList())
                .orElse(List.of());
    }

    /**
     * Revokes one of the owner's live keys: from now on it is refused.
     *
     * @return whether the owner had a live key with this id (nothing is written when not)
     * @throws ChatException StorageUnavailable
     */
    public boolean revoke(Principal owner, String id) {
        if (id == null || !KEY_ID.matcher(id).matches()) {
            return false;
        }
        Optional<Entry> entry = read(owner)
                .flatMap(read -> read.document().keys().stream()
                        .filter(key -> key.id().equals(id) && key.active())
                        .findFirst());
        if (entry.isEmpty()) {
            return false;
        }
        String now = now();
        // The by-hash record first: it is what refuses the key; the list follows.
        updateByHash(entry.get().hash(), record -> record.revokedAt() == null ? record.revoked(now) : record);
        updateOwner(owner, current -> {
            var keys = new ArrayList<Entry>();
            for (Entry key : current.keys()) {
                keys.add(key.id().equals(id) && key.active() ? key.revoked(now) : key);
            }
            return new ByOwner(owner, trimRevoked(keys));
        });
        return true;
    }

    @Override
    public ProgramCallers.KeyLookup lookup(String presented) {
        if (presented == null || !KEY.matcher(presented).matches()) {
            return new ProgramCallers.KeyLookup.Unknown();
        }
        String hash = hash(presented);
        Optional<StoredObject> stored = objects.get(byHashKey(hash));
        if (stored.isEmpty()) {
            return new ProgramCallers.KeyLookup.Unknown();
        }
        ByHash record = decode(stored.get().content(), ByHash.class);
        if (record.revokedAt() != null) {
            return new ProgramCallers.KeyLookup.Revoked();
        }
        noteUse(hash, record, stored.get().etag());
        return new ProgramCallers.KeyLookup.Owner(record.owner());
    }

    /** Records when the key was used, at most once a minute; best effort. */
    private void noteUse(String hash, ByHash record, String etag) {
        Instant now = clock.instant();
        if (record.lastUsedAt() != null
                && Instant.parse(record.lastUsedAt()).plus(LAST_USED_RESOLUTION).isAfter(now)) {
            return;
        }
        String at = now.truncatedTo(ChronoUnit.MINUTES).toString();
        try {
            put(byHashKey(hash), record.used(at), Condition.ifMatch(etag));
            Optional<Read> owner = read(record.owner());
            if (owner.isPresent()) {
                var keys = new ArrayList<Entry>();
                for (Entry key : owner.get().document().keys()) {
                    keys.add(key.hash().equals(hash) ? key.used(at) : key);
                }
                put(
                        byOwnerKey(record.owner()),
                        new ByOwner(record.owner(), keys),
                        Condition.ifMatch(owner.get().etag()));
            }
        } catch (ConditionFailedException | ChatException e) {
            // Another request noted it, or the storage is slow: the key still works, the date waits for the next use.
        }
    }

    private void retire(String hash, String now) {
        try {
            updateByHash(hash, record -> record.revoked(now));
        } catch (RuntimeException e) {
            // Unknowable key: nobody was ever shown it.
        }
    }

    private record Read(ByOwner document, String etag) {}

    private Optional<Read> read(Principal owner) {
        return objects.get(byOwnerKey(owner))
                .map(stored -> new Read(decode(stored.content(), ByOwner.class), stored.etag()));
    }

    /** Reads the owner's list, changes it and writes it back, conditionally; a lost race is read again and retried. */
    private void updateOwner(Principal owner, UnaryOperator<ByOwner> change) {
        Deadline deadline = Deadline.in(OPERATION_LIMIT);
        for (int attempt = 1; ; attempt++) {
            Optional<Read> current = read(owner);
            ByOwner changed = change.apply(current.map(Read::document).orElse(new ByOwner(owner, List.of())));
            try {
                put(
                        byOwnerKey(owner),
                        changed,
                        current.map(read -> Condition.ifMatch(read.etag())).orElse(Condition.ifAbsent()));
                return;
            } catch (ConditionFailedException e) {
                if (!backoff.pause(attempt, deadline)) {
                    throw busy(e);
                }
            }
        }
    }

    private void updateByHash(String hash, UnaryOperator<ByHash> change) {
        Deadline deadline = Deadline.in(OPERATION_LIMIT);
        for (int attempt = 1; ; attempt++) {
            StoredObject stored = objects.get(byHashKey(hash))
                    .orElseThrow(() -> new IllegalStateException("No record of the key " + hash));
            try {
                put(
                        byHashKey(hash),
                        change.apply(decode(stored.content(), ByHash.class)),
                        Condition.ifMatch(stored.etag()));
                return;
            } catch (ConditionFailedException e) {
                if (!backoff.pause(attempt, deadline)) {
                    throw busy(e);
                }
            }
        }
    }

    private static List<Entry> trimRevoked(List<Entry> keys) {
        var kept = new ArrayList<Entry>();
        int revoked = 0;
        for (Entry key : keys) {
            if (key.active() || ++revoked <= REVOKED_KEPT) {
                kept.add(key);
            }
        }
        return kept;
    }

    private static long activeCount(Optional<ByOwner> owner) {
        return owner.map(document ->
                        document.keys().stream().filter(Entry::active).count())
                .orElse(0L);
    }

    private static String validName(String name) {
        String stripped = name == null ? "" : name.strip();
        int length = stripped.codePointCount(0, stripped.length());
        if (length < 1 || length > MAX_NAME_LENGTH) {
            throw ChatException.validation("name is required, 1 to " + MAX_NAME_LENGTH
                    + " characters, such as {\"name\":\"laptop script\"}: it tells your keys apart");
        }
        if (stripped.codePoints().anyMatch(Character::isISOControl)) {
            throw ChatException.validation("name has a control character (a line break, a tab, …): send plain text");
        }
        return stripped;
    }

    /**
     * A new key: 32 bytes of a {@link SecureRandom} made for the call (not one seeded at start-up, which a SnapStart
     * snapshot would hand identically to every restored environment).
     */
    private static String newKey() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static ChatException tooMany() {
        return new ChatException(
                ErrorCode.CONFLICT,
                "You already have " + MAX_ACTIVE_KEYS + " API keys: revoke one you no longer use, then create another");
    }

    private static ChatException busy(ConditionFailedException e) {
        return ChatException.storageUnavailable(e, Map.of("errorCause", "ConditionFailedException"));
    }

    private String now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private void put(String key, Object document, Condition condition) {
        try {
            objects.put(key, mapper.writeValueAsBytes(document), condition);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private <T> T decode(byte[] json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException("The API key record cannot be read", e);
        }
    }
}
