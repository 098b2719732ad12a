package dev.bedrockchat.function.keys;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.bedrockchat.function.chat.Principal;
import java.util.List;

/** The stored JSON of the API keys (read and written with Jackson). */
final class KeyDocuments {
    private KeyDocuments() {}

    /**
     * {@code keys/by-hash/<sha256>.json}: what a presented key stands for.
     *
     * @param revokedAt null while the key is live
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ByHash(String id, Principal owner, String createdAt, String lastUsedAt, String revokedAt) {
        ByHash used(String at) {
            return new ByHash(id, owner, createdAt, at, revokedAt);
        }

        ByHash revoked(String at) {
            return new ByHash(id, owner, createdAt, lastUsedAt, at);
        }
    }

    /** {@code keys/by-owner/<principalKey>.json}: a person's keys, newest first, revoked ones kept as records. */
    record ByOwner(Principal owner, List<Entry> keys) {
        ByOwner {
            keys = keys == null ? List.of() : List.copyOf(keys);
        }
    }

    /** One key of a person's list; {@code hash} ties it to its by-hash record. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Entry(
            String id, String name, String prefix, String hash, String createdAt, String lastUsedAt, String revokedAt) {
        boolean active() {
            return revokedAt == null;
        }

        Entry used(String at) {
            return new Entry(id, name, prefix, hash, createdAt, at, revokedAt);
        }

        Entry revoked(String at) {
            return new Entry(id, name, prefix, hash, createdAt, lastUsedAt, at);
        }

        ApiKey view() {
            return new ApiKey(id, name, prefix, createdAt, lastUsedAt);
        }
    }
}
