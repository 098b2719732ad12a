package dev.bedrockchat.function.store.local;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
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
        Path temp = tempBeside(target);
        boolean created = false;
        boolean moved = false;
        try {
            try (OutputStream out = newFile(temp)) {
                created = true;
                out.write(content);
            }
            moveInPlace(temp, target);
            moved = true;
        } finally {
            if (created && !moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /**
     * Replaces the content of a file that is there, as {@link #writeAtomically} does, but without creating or removing
     * a file: the target's file is given a second name just before the new one is moved over it
     * (".&lt;name&gt;.spare"), emptied once the move is done, and the next replacement writes its content into it and
     * moves it into place. Where the file system has no hard links, this is {@link #writeAtomically}.
     *
     * <p>Why: a file created and another removed per write make the file system allocate and free an inode each time;
     * ext4 without a journal looks past every inode freed in the last minutes before it allocates one, so that cost
     * grows with the rate of writes.
     *
     * <p>What stays as it was: the new content is written into an emptied file, so its blocks are new and ext4 writes
     * them out before it records the move (its {@code auto_da_alloc}; after a power cut the target holds the old
     * content or the new one, never a mix); the spare holds no content once a replacement is done (a conversation
     * deleted leaves none of its messages behind). A spare is claimed by moving it to a name of this write's own, so
     * two writers never write into one spare; one that still has a second name (a replacement stopped between naming
     * the spare and moving the new file in) is the target's own file and is never written into. Readers must not read
     * the file while it is replaced (the store's key lock): the moment after the move, the file they opened is emptied.
     */
    static void replace(Path target, byte[] content) throws IOException {
        if (!target.getFileSystem().supportedFileAttributeViews().contains("unix")) {
            writeAtomically(target, content);
            return;
        }
        Path spare = target.resolveSibling("." + target.getFileName() + ".spare");
        Path temp = tempBeside(target);
        boolean moved = false;
        try {
            boolean claimed = claim(spare, temp);
            try (OutputStream out = claimed ? emptied(temp) : newFile(temp)) {
                out.write(content);
            }
            boolean kept = keepAsSpare(target, spare);
            moveInPlace(temp, target);
            moved = true;
            if (kept) {
                empty(spare);
            }
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp); // a claimed spare, or the new file, that did not make it into place
            }
        }
    }

    /** Moves the spare to {@code temp}; false when there is none to write into. */
    private static boolean claim(Path spare, Path temp) throws IOException {
        try {
            Files.move(spare, temp, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return false;
        }
        if (((Number) Files.getAttribute(temp, "unix:nlink")).intValue() != 1) {
            Files.delete(temp); // still the target's file too: only this name goes
            return false;
        }
        return true;
    }

    private static OutputStream emptied(Path file) throws IOException {
        return Channels.newOutputStream(
                FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING));
    }

    /** Empties the spare; one that cannot be emptied is removed, so that no old version stays behind either way. */
    private static void empty(Path spare) throws IOException {
        try (FileChannel ignored =
                FileChannel.open(spare, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            // emptied by opening
        } catch (NoSuchFileException e) {
            // removed meanwhile
        } catch (IOException e) {
            Files.deleteIfExists(spare);
        }
    }

    /**
     * Gives the target's file the spare's name too, so that moving the new file over the target keeps the file;
     * false when there is no spare this time (the target was removed meanwhile, another writer left a spare, or the
     * file system has no hard links): the target's file then goes when the new one replaces it.
     */
    private static boolean keepAsSpare(Path target, Path spare) {
        try {
            Files.createLink(spare, target);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static void moveInPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** A name of its own beside the target (".&lt;name&gt;.&lt;random&gt;.tmp": listings skip dot files). */
    private static Path tempBeside(Path target) {
        return target.resolveSibling("." + target.getFileName() + "."
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
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
