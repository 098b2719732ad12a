package dev.bedrockchat.function.store.local;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The entity tags of the file versions this process has hashed, by key, the most recently used kept (a bounded number,
 * so that a folder of many files costs a fixed amount of memory; a version forgotten is hashed again when needed).
 *
 * <p>A version is a file's identity (its inode, where the file system has one), size and modification time. A write
 * moves another file into place (a new one, or the spare the previous write moved out, written again with a later
 * modification time), and the store remembers the version it wrote in place of the one before; a file system without
 * identities ({@code fileKey()} null) gets nothing remembered, and every version is hashed.
 */
final class FileVersions {
    static final int DEFAULT_CAPACITY = 4_096;

    /** One version of a file. */
    record Version(Object fileKey, long size, FileTime modified) {}

    private record Known(Version version, String etag) {}

    private final Map<String, Known> known;

    FileVersions(int capacity) {
        this.known = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Known> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The version of the file there now; empty when there is none. */
    static Optional<Version> versionOf(Path file) throws IOException {
        // (Without an exception for an absent file, which is common: a new conversation, a new day's counter.)
        BasicFileAttributes attributes =
                file.getFileSystem().provider().readAttributesIfExists(file, BasicFileAttributes.class);
        if (attributes == null || !attributes.isRegularFile()) {
            return Optional.empty();
        }
        return Optional.of(new Version(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime()));
    }

    /** The entity tag remembered for this version of the key's file; empty when this version was not hashed here. */
    synchronized Optional<String> etag(String key, Version version) {
        Known entry = known.get(key);
        return entry != null && entry.version().equals(version) ? Optional.of(entry.etag()) : Optional.empty();
    }

    /** Remembers the entity tag of this version of the key's file (nothing, without a file identity). */
    synchronized void remember(String key, Version version, String etag) {
        if (version.fileKey() != null) {
            known.put(key, new Known(version, Objects.requireNonNull(etag)));
        }
    }

    synchronized int size() {
        return known.size();
    }
}
