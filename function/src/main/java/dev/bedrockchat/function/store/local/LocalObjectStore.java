package dev.bedrockchat.function.store.local;

import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.store.ConditionFailedException;
import dev.bedrockchat.function.store.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * An {@link ObjectStore} on a local folder, with the bucket's layout: a key is a path under the folder. Conditional
 * writes hold a lock per key (striped) while they compare and replace the file, which is written beside its target and
 * moved into place, so readers never see half a file. Entity tags are content hashes. One process per folder.
 */
public final class LocalObjectStore implements ObjectStore {
    private static final int LOCK_STRIPES = 64;

    private final Path root;
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];

    public LocalObjectStore(Path dataDir) {
        this.root = dataDir.toAbsolutePath().normalize();
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    @Override
    public Optional<StoredObject> get(String key) {
        try {
            byte[] content = Files.readAllBytes(file(key));
            return Optional.of(new StoredObject(content, etag(content)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    @Override
    public String put(String key, byte[] content, Condition condition) {
        Path file = file(key);
        ReentrantLock lock = locks[Math.floorMod(key.hashCode(), LOCK_STRIPES)];
        lock.lock();
        try {
            Optional<StoredObject> current = get(key);
            boolean holds = switch (condition) {
                case Condition.IfAbsent ignored -> current.isEmpty();
                case Condition.IfMatch match ->
                    current.map(object -> object.etag().equals(match.etag())).orElse(false);
            };
            if (!holds) {
                throw new ConditionFailedException(key, null);
            }
            LocalFiles.writeAtomically(file, content);
            return etag(content);
        } catch (IOException e) {
            throw unavailable(e);
        } finally {
            lock.unlock();
        }
    }

    /** A local file has no tags: the object is written alone (a local folder has no lifecycle rules to select by). */
    @Override
    public String put(String key, byte[] content, Condition condition, Map<String, String> tags) {
        return put(key, content, condition);
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
                try {
                    byte[] content = Files.readAllBytes(path);
                    listed.add(new Listed(
                            prefix + name,
                            etag(content),
                            Files.getLastModifiedTime(path).toInstant()));
                } catch (NoSuchFileException gone) {
                    // replaced or removed since the folder was listed
                }
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

    /** The first 32 hex digits of the content's SHA-256. */
    static String etag(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static ChatException unavailable(IOException e) {
        return ChatException.storageUnavailable(
                e, Map.of("errorCause", e.getClass().getName()));
    }
}
