package dev.bedrockchat.function.store.local;

import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.store.ConditionFailedException;
import dev.bedrockchat.function.store.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * An {@link ObjectStore} on a local folder, with the bucket's layout: a key is a path under the folder. Conditional
 * writes hold a lock per key (striped) while they compare and replace the file, which is written beside its target and
 * moved into place, so readers never see half a file. A replacement writes into the file the previous one moved out,
 * kept beside the target as a dot file ({@link LocalFiles#replace}), so that turn after turn no file is created or
 * removed. One process per folder.
 *
 * <p>Entity tags are content checksums ({@link #etag}), remembered per file version ({@link FileVersions}: a file's identity, size and
 * modification time), so that a read, a conditional write or a listing hashes a file only when it is a version this
 * process has not seen yet, and a listing reads no file's content at all for the versions it has.
 */
public final class LocalObjectStore implements ObjectStore {
    private static final int LOCK_STRIPES = 64;

    private final Path root;
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];
    private final FileVersions versions = new FileVersions(FileVersions.DEFAULT_CAPACITY);

    public LocalObjectStore(Path dataDir) {
        this.root = dataDir.toAbsolutePath().normalize();
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    @Override
    public Optional<StoredObject> get(String key) {
        try {
            return current(key, file(key), true).map(Current::object);
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    @Override
    public Reread getUnlessUnchanged(String key, String etag) {
        Path file = file(key);
        try {
            Optional<Current> current = current(key, file, false);
            if (current.isEmpty()) {
                return new Reread.Absent();
            }
            if (current.get().etag().equals(etag)) {
                return new Reread.Unchanged();
            }
            if (current.get().content() == null) { // a version this process knows, but not the caller's: read it
                current = current(key, file, true);
            }
            return current.<Reread>map(changed -> new Reread.Changed(changed.object()))
                    .orElseGet(Reread.Absent::new);
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    /**
     * The file as it is now: its version, its entity tag (the one remembered for that version, else the content's,
     * then remembered) and its content, which is read when {@code withContent} or when the tag must be worked out
     * (null otherwise). Under the key's lock, which every writer of the key holds while it replaces the file: the
     * version looked at and the content read are one.
     */
    private Optional<Current> current(String key, Path file, boolean withContent) throws IOException {
        ReentrantLock lock = lockOf(key);
        lock.lock();
        try {
            Optional<FileVersions.Version> version = FileVersions.versionOf(file);
            if (version.isEmpty()) {
                return Optional.empty();
            }
            Optional<String> known = versions.etag(key, version.get());
            if (known.isPresent() && !withContent) {
                return Optional.of(new Current(version.get(), known.get(), null));
            }
            byte[] content;
            try {
                content = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                return Optional.empty(); // removed from outside the process meanwhile
            }
            String etag = known.orElseGet(() -> etag(content));
            if (known.isEmpty()) {
                versions.remember(key, version.get(), etag);
            }
            return Optional.of(new Current(version.get(), etag, content));
        } finally {
            lock.unlock();
        }
    }

    /** A file's version and entity tag, and its content when it was read (else null). */
    private record Current(FileVersions.Version version, String etag, byte[] content) {
        StoredObject object() {
            return new StoredObject(content, etag);
        }
    }

    private ReentrantLock lockOf(String key) {
        return locks[Math.floorMod(key.hashCode(), LOCK_STRIPES)];
    }

    @Override
    public String put(String key, byte[] content, Condition condition) {
        Path file = file(key);
        ReentrantLock lock = lockOf(key);
        lock.lock();
        try {
            Optional<String> current = current(key, file, false).map(Current::etag);
            boolean holds = switch (condition) {
                case Condition.IfAbsent ignored -> current.isEmpty();
                case Condition.IfMatch match ->
                    current.map(match.etag()::equals).orElse(false);
            };
            if (!holds) {
                throw new ConditionFailedException(key, null);
            }
            if (current.isPresent()) {
                LocalFiles.replace(file, content);
            } else {
                LocalFiles.writeAtomically(file, content);
            }
            String etag = etag(content);
            // Written under the key's lock, so the version now there is the one written.
            FileVersions.versionOf(file).ifPresent(version -> versions.remember(key, version, etag));
            return etag;
        } catch (IOException e) {
            throw unavailable(e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Listed> list(String prefix) {
        Path dir = root.resolve(prefix).normalize();
        if (!dir.startsWith(root) || !Files.isDirectory(dir)) {
            return List.of();
        }
        var listed = new ArrayList<Listed>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path path : files.sorted().toList()) {
                String name = path.getFileName().toString();
                if (name.startsWith(".") || !Files.isRegularFile(path)) {
                    continue; // a file still being written, or a folder below
                }
                current(prefix + name, path, false)
                        .ifPresent(current -> listed.add(new Listed(
                                prefix + name,
                                current.etag(),
                                current.version().modified().toInstant()))); // else removed since the listing
            }
        } catch (IOException e) {
            throw unavailable(e);
        }
        return listed;
    }

    private Path file(String key) {
        Path file = root.resolve(key).normalize();
        if (!file.startsWith(root) || file.equals(root)) {
            throw new IllegalArgumentException("Key escapes the data folder: " + key);
        }
        return file;
    }

    /**
     * The content's entity tag: its length, CRC-32C and CRC-32, in hex. Only for telling versions apart (two different
     * contents share a tag by a chance of about one in 2^64), not a check against tampering; both checksums are
     * computed by the CPU's own instructions, so hashing a file costs next to nothing.
     */
    static String etag(byte[] content) {
        var crc32c = new CRC32C();
        crc32c.update(content);
        var crc32 = new CRC32();
        crc32.update(content);
        return Integer.toHexString(content.length) + "-" + Long.toHexString(crc32c.getValue()) + "-"
                + Long.toHexString(crc32.getValue());
    }

    private static ChatException unavailable(IOException e) {
        return ChatException.storageUnavailable(
                e, Map.of("errorCause", e.getClass().getName()));
    }
}
