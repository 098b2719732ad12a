package dev.bedrockchat.function.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.function.log.JsonLog;
import java.math.BigInteger;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The provider's RS256 keys from its key set ({@code jwks_uri}), by key id: loaded at start-up, then fetched again when
 * a token names a key id that is not known (a key rotation) or the keys are older than {@link #MAX_AGE}, but at most
 * once per {@link #REFRESH_INTERVAL}, so that tokens with made-up key ids cannot make the function hammer the provider.
 * A failed fetch keeps the keys there were. A key id that was in the set and is no longer is remembered as withdrawn.
 *
 * <p>Only RSA keys for signatures ({@code kty} RSA, {@code use} sig or absent, {@code alg} RS256 or absent) of at least
 * 2048 bits are kept.
 */
final class SigningKeys {
    static final Duration REFRESH_INTERVAL = Duration.ofSeconds(30);
    static final Duration MAX_AGE = Duration.ofHours(1);
    private static final int MIN_RSA_BITS = 2048;
    private static final int MAX_WITHDRAWN = 256;

    private final URI jwksUri;
    private final JsonFetcher fetcher;
    private final Clock clock;
    private final JsonLog log;
    private final ReentrantLock refreshing = new ReentrantLock();
    private volatile Map<String, RSAPublicKey> keys = Map.of();
    private volatile Set<String> withdrawn = Set.of();
    private volatile Instant fetchedAt = Instant.MIN;
    private Instant lastAttempt = Instant.MIN;

    SigningKeys(URI jwksUri, JsonFetcher fetcher, Clock clock, JsonLog log) {
        this.jwksUri = jwksUri;
        this.fetcher = fetcher;
        this.clock = clock;
        this.log = log;
    }

    /** What the key set says about a token's key id. */
    sealed interface Lookup {
        record Found(RSAPublicKey key) implements Lookup {}

        /** Not in the key set (nor, for a token without a key id, one key alone to use). */
        record Unknown() implements Lookup {}

        /** Was in the key set and has been withdrawn from it. */
        record Withdrawn() implements Lookup {}
    }

    /**
     * Loads the key set at start-up.
     *
     * @throws SignInSetupException when it cannot be fetched or holds no usable key
     */
    void load() {
        refreshing.lock();
        try {
            lastAttempt = clock.instant();
            install(fetch());
        } catch (JsonFetcher.FetchFailed | NoUsableKey e) {
            throw new SignInSetupException("OIDC_ISSUER: the provider's key set at " + jwksUri + " " + e.getMessage());
        } finally {
            refreshing.unlock();
        }
    }

    /** How many keys are known (for the start-up log line). */
    int size() {
        return keys.size();
    }

    Lookup find(Optional<String> kid) {
        if (Duration.between(fetchedAt, clock.instant()).compareTo(MAX_AGE) > 0) {
            refreshIfAllowed("stale");
        }
        Lookup found = lookUp(kid);
        if (found instanceof Lookup.Unknown) {
            refreshIfAllowed("unknown_kid");
            found = lookUp(kid);
        }
        return found;
    }

    private Lookup lookUp(Optional<String> kid) {
        Map<String, RSAPublicKey> current = keys;
        if (kid.isEmpty()) {
            return current.size() == 1
                    ? new Lookup.Found(current.values().iterator().next())
                    : new Lookup.Unknown();
        }
        RSAPublicKey key = current.get(kid.get());
        if (key != null) {
            return new Lookup.Found(key);
        }
        return withdrawn.contains(kid.get()) ? new Lookup.Withdrawn() : new Lookup.Unknown();
    }

    private void refreshIfAllowed(String why) {
        refreshing.lock();
        try {
            Instant now = clock.instant();
            if (Duration.between(lastAttempt, now).compareTo(REFRESH_INTERVAL) < 0) {
                return;
            }
            lastAttempt = now;
            var line = new LinkedHashMap<String, Object>();
            line.put("jwksUri", jwksUri.toString());
            line.put("trigger", why);
            try {
                Map<String, RSAPublicKey> before = keys;
                install(fetch());
                line.put("keys", keys.size());
                line.put(
                        "added",
                        keys.keySet().stream()
                                .filter(k -> !before.containsKey(k))
                                .count());
                line.put(
                        "withdrawn",
                        before.keySet().stream()
                                .filter(k -> !keys.containsKey(k))
                                .count());
                log.info("oidc_keys_refreshed", line);
            } catch (JsonFetcher.FetchFailed | NoUsableKey e) {
                line.put("problem", e.getMessage());
                line.put("keptKeys", keys.size());
                log.warn("oidc_keys_refresh_failed", line);
            }
        } finally {
            refreshing.unlock();
        }
    }

    private void install(Map<String, RSAPublicKey> fetched) {
        var gone = new LinkedHashSet<>(withdrawn);
        keys.keySet().stream().filter(kid -> !fetched.containsKey(kid)).forEach(gone::add);
        gone.removeAll(fetched.keySet());
        while (gone.size() > MAX_WITHDRAWN) {
            gone.remove(gone.iterator().next());
        }
        withdrawn = Set.copyOf(gone);
        keys = Map.copyOf(fetched);
        fetchedAt = clock.instant();
    }

    /** The usable keys of the key set, by key id ("" for a key without one). */
    private Map<String, RSAPublicKey> fetch() throws JsonFetcher.FetchFailed, NoUsableKey {
        JsonNode set = fetcher.get(jwksUri);
        JsonNode list = set.path("keys");
        if (!list.isArray()) {
            throw new NoUsableKey("has no \"keys\" array");
        }
        var usable = new LinkedHashMap<String, RSAPublicKey>();
        var seen = new HashSet<String>();
        for (JsonNode jwk : list) {
            String kid = jwk.path("kid").isTextual() ? jwk.path("kid").asText() : "";
            if (!seen.add(kid)) {
                continue;
            }
            rsaSigningKey(jwk).ifPresent(key -> usable.put(kid, key));
        }
        if (usable.isEmpty()) {
            throw new NoUsableKey("holds no RSA signing key for RS256 of " + MIN_RSA_BITS + " bits or more");
        }
        return usable;
    }

    private static Optional<RSAPublicKey> rsaSigningKey(JsonNode jwk) {
        if (!jwk.path("kty").asText().equals("RSA")) {
            return Optional.empty();
        }
        if (jwk.has("use") && !jwk.path("use").asText().equals("sig")) {
            return Optional.empty();
        }
        if (jwk.has("alg") && !jwk.path("alg").asText().equals("RS256")) {
            return Optional.empty();
        }
        try {
            BigInteger modulus = unsigned(jwk.path("n"));
            BigInteger exponent = unsigned(jwk.path("e"));
            if (modulus.bitLength() < MIN_RSA_BITS || exponent.signum() <= 0) {
                return Optional.empty();
            }
            var key = (RSAPublicKey)
                    KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, exponent));
            return Optional.of(key);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    private static BigInteger unsigned(JsonNode base64url) {
        if (!base64url.isTextual() || base64url.asText().isEmpty()) {
            throw new IllegalArgumentException("not a base64url value");
        }
        return new BigInteger(1, Base64.getUrlDecoder().decode(base64url.asText()));
    }

    /** A key set that holds nothing this function can use. */
    private static final class NoUsableKey extends Exception {
        NoUsableKey(String message) {
            super(message, null, false, false);
        }
    }
}
