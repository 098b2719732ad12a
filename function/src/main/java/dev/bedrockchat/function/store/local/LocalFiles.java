package dev.bedrockchat.function.store.local;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Whole-file writes that readers never see half done: write to a temporary file beside the target, then move. */
final class LocalFiles {
    private static final Set<OpenOption> CREATE_NEW_FILE =
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    private static final FileAttribute<?> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private LocalFiles() {}

    static void writeAtomically(Path target, byte[] content) throws IOException {
        Path dir = target.getParent();
        // A name of its own beside the target (".<name>.<random>.tmp": listings skip dot files), created and written
        // through one open.
        Path temp = dir.resolve("." + target.getFileName() + "."
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
        boolean created = false;
        boolean moved = false;
        try {
            try (OutputStream out = newFile(temp)) {
                created = true;
                out.write(content);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (created && !moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /**
     * Creates the file (which must not exist yet), readable and writable by its owner only where the file system has
     * POSIX permissions, and its folders when they do not exist (asked only then).
     */
    private static OutputStream newFile(Path file) throws IOException {
        try {
            return open(file);
        } catch (NoSuchFileException e) {
            Files.createDirectories(file.getParent());
            return open(file);
        }
    }

    private static OutputStream open(Path file) throws IOException {
        FileAttribute<?>[] ownerOnly =
                file.getFileSystem().supportedFileAttributeViews().contains("posix")
                        ? new FileAttribute<?>[] {OWNER_ONLY}
                        : new FileAttribute<?>[0];
        return Channels.newOutputStream(Files.newByteChannel(file, CREATE_NEW_FILE, ownerOnly));
    }
}
