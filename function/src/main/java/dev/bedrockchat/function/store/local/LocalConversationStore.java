package dev.bedrockchat.function.store.local;

import dev.bedrockchat.function.chat.Conversation;
import dev.bedrockchat.function.chat.ConversationDeletedException;
import dev.bedrockchat.function.chat.ConversationStore;
import dev.bedrockchat.function.chat.Principal;
import dev.bedrockchat.function.chat.StoredMessage;
import dev.bedrockchat.function.store.ConversationCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Conversations as files under {@code <dataDir>/conversations/<id>.json}, the same layout as in S3. Appends hold a
 * per-conversation lock (striped) and replace the file atomically, so concurrent turns are all kept; a turn the
 * document already holds is not added again.
 */
public final class LocalConversationStore implements ConversationStore {
    private static final int LOCK_STRIPES = 64;

    private final Path dir;
    private final ConversationCodec codec;
    private final Clock clock;
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];

    public LocalConversationStore(Path dataDir, ConversationCodec codec, Clock clock) {
        this.dir = dataDir.resolve("conversations");
        this.codec = codec;
        this.clock = clock;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    @Override
    public String kind() {
        return "local";
    }

    @Override
    public Optional<Conversation> find(String conversationId) {
        return document(conversationId).flatMap(codec::decode);
    }

    private Optional<byte[]> document(String conversationId) {
        try {
            return Optional.of(Files.readAllBytes(file(conversationId)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Conversation append(String conversationId, Principal owner, List<StoredMessage> messages) {
        ReentrantLock lock = lockFor(conversationId);
        lock.lock();
        try {
            String now = clock.instant().toString();
            Optional<byte[]> document = document(conversationId);
            Optional<Conversation> existing = document.flatMap(codec::decode);
            if (document.isPresent() && existing.isEmpty()) {
                throw new ConversationDeletedException(conversationId);
            }
            Conversation current = existing.orElseGet(() -> Conversation.start(conversationId, owner, now));
            if (current.holds(messages)) {
                return current;
            }
            Conversation updated = current.withAppended(messages, now);
            LocalFiles.writeAtomically(file(conversationId), codec.write(updated));
            return updated;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void delete(String conversationId) {
        ReentrantLock lock = lockFor(conversationId);
        lock.lock();
        try {
            LocalFiles.writeAtomically(
                    file(conversationId),
                    codec.tombstone(conversationId, clock.instant().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.unlock();
        }
    }

    private Path file(String conversationId) {
        Path file = dir.resolve(conversationId + ".json").normalize();
        if (!file.getParent().equals(dir.normalize())) {
            throw new IllegalArgumentException("Conversation id escapes the store");
        }
        return file;
    }

    private ReentrantLock lockFor(String conversationId) {
        return locks[Math.floorMod(conversationId.hashCode(), LOCK_STRIPES)];
    }
}
