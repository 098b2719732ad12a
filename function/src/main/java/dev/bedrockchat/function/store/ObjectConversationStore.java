package dev.bedrockchat.function.store;

import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.chat.Conversation;
import dev.bedrockchat.function.chat.ConversationDeletedException;
import dev.bedrockchat.function.chat.ConversationIds;
import dev.bedrockchat.function.chat.ConversationPage;
import dev.bedrockchat.function.chat.ConversationQuery;
import dev.bedrockchat.function.chat.ConversationStore;
import dev.bedrockchat.function.chat.ConversationSummary;
import dev.bedrockchat.function.chat.Deadline;
import dev.bedrockchat.function.chat.ListCursor;
import dev.bedrockchat.function.chat.Principal;
import dev.bedrockchat.function.chat.StoredMessage;
import dev.bedrockchat.function.store.ConversationCodec.Document;
import dev.bedrockchat.function.store.ConversationIndex.Entry;
import dev.bedrockchat.function.store.ObjectStore.Condition;
import dev.bedrockchat.function.store.ObjectStore.Listed;
import dev.bedrockchat.function.store.ObjectStore.StoredObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Conversations in an {@link ObjectStore} (an S3 bucket or a local folder, alike):
 *
 * <ul>
 *   <li>{@code conversations/<principalKey>/<id>.json}: one document per conversation;</li>
 *   <li>{@code conversations/<principalKey>/index.json}: the person's index, which listing and search read;</li>
 *   <li>{@code conversations/<id>.json}: documents written before sign-in, which belong to the anonymous principal.</li>
 * </ul>
 *
 * <p>A principal only ever reads its own folder (and, the anonymous principal, the legacy documents), so another
 * person's conversation is never found. Every write is conditional: a turn re-reads the document and merges itself in
 * by its arrival (a write that loses the race is retried, with full-jitter waits, until the turn's deadline), a turn
 * the document already holds is not added twice, and a deleted conversation's tombstone is never written over.
 *
 * <p>The index is what a listing reads; a turn does not write it (a turn's answer waits only for its own document, and
 * concurrent turns of one person do not queue on their one index). A listing brings it up to date: it lists the
 * person's folder, re-reads every document whose entity tag differs from its entry (or has none: the conversations
 * written to since the last listing), drops entries of documents that are gone, and writes the index back
 * (conditionally). A rename or delete updates the index at once, and when that update fails the next listing repairs
 * it the same way.
 */
public final class ObjectConversationStore implements ConversationStore {
    static final String PREFIX = "conversations/";
    static final String INDEX = "index.json";
    private static final Pattern DOCUMENT =
            Pattern.compile("([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\.json");
    /** How many documents a listing reads at once (to repair the index, or to search messages). */
    private static final int PARALLEL_READS = 16;
    /** How many documents' last versions are kept in memory at most, and how many bytes (as stored) of them. */
    private static final int RECENT_DOCUMENTS = 64;

    private static final int RECENT_BYTES = 2 * 1024 * 1024;

    private final String kind;
    private final ObjectStore objects;
    private final ConversationCodec codec;
    private final Clock clock;
    private final Backoff backoff;
    /** Striped by key: this process's writers of one document or index take turns (see {@link #append}). */
    private final ReentrantLock[] writeLocks = new ReentrantLock[64];
    /** The version of each document this process last read or wrote, the most recent ones (see {@link #appendOnce}). */
    private final RecentDocuments recent = new RecentDocuments(RECENT_DOCUMENTS, RECENT_BYTES);

    public ObjectConversationStore(String kind, ObjectStore objects, ConversationCodec codec, Clock clock) {
        this(kind, objects, codec, clock, Backoff.standard());
    }

    public ObjectConversationStore(
            String kind, ObjectStore objects, ConversationCodec codec, Clock clock, Backoff backoff) {
        this.kind = kind;
        this.objects = objects;
        this.codec = codec;
        this.clock = clock;
        this.backoff = backoff;
        for (int i = 0; i < writeLocks.length; i++) {
            writeLocks[i] = new ReentrantLock();
        }
    }

    @Override
    public String kind() {
        return kind;
    }

    /** The folder of a principal's conversations. */
    public static String folder(Principal owner) {
        return PREFIX + owner.key() + "/";
    }

    static String documentKey(Principal owner, String conversationId) {
        return folder(owner) + conversationId + ".json";
    }

    static String legacyKey(String conversationId) {
        return PREFIX + conversationId + ".json";
    }

    static String indexKey(Principal owner) {
        return folder(owner) + INDEX;
    }

    private static boolean ownsLegacy(Principal owner) {
        return owner.kind().equals(Principal.ANONYMOUS.kind());
    }

    @Override
    public Optional<Conversation> find(Principal owner, String conversationId) {
        return locate(owner, conversationId).map(Located::document).map(Document::conversation);
    }

    @Override
    public Conversation create(Principal owner, String conversationId, String title) {
        Conversation begun = Conversation.begun(
                ConversationIds.parse(conversationId),
                owner,
                title,
                clock.instant().toString());
        try {
            String key = documentKey(owner, begun.conversationId());
            byte[] json = codec.write(begun);
            String etag = objects.put(key, json, Condition.ifAbsent());
            recent.remember(new Located(key, false, new Document(begun, begun.revision(), null), etag), json.length);
        } catch (ConditionFailedException e) {
            throw new IllegalStateException("Conversation id " + conversationId + " is taken", e);
        }
        // The index learns of it with its first turn (or from the next listing): nothing more to wait for here.
        return begun;
    }

    @Override
    public Conversation append(
            Principal owner, String conversationId, List<StoredMessage> turn, boolean create, Deadline deadline) {
        String turnId = turn.getFirst().turn();
        for (int attempt = 1; ; attempt++) {
            // Writers of this process take turns on the document, so that they do not lose races to one another (and
            // back off); the conditional write still settles races with other processes. The index is left to the
            // next listing (see the class comment).
            ConditionFailedException lost;
            ReentrantLock lock = writeLock(documentKey(owner, conversationId));
            lock.lock();
            try {
                return appendOnce(owner, conversationId, turn, turnId, create);
            } catch (ConditionFailedException e) {
                lost = e;
            } finally {
                lock.unlock();
            }
            retryOrGiveUp(attempt, deadline, lost); // waits outside the lock
        }
    }

    /**
     * Writes the turn into the document, starting from the version this process last read or wrote of it (on the
     * condition that it is still that version); when another writer came since, from a fresh read.
     */
    private Conversation appendOnce(
            Principal owner, String conversationId, List<StoredMessage> turn, String turnId, boolean create) {
        // A remembered version that already holds the turn (a repeated write) is confirmed by a fresh read: the
        // conversation may have been deleted by another process since.
        Optional<Located> remembered = recent.of(owner, conversationId)
                .filter(located -> located.document().deleted()
                        || !located.document().conversation().holdsTurn(turnId));
        if (remembered.isPresent()) {
            try {
                return appendTo(remembered, owner, conversationId, turn, turnId, create);
            } catch (ConditionFailedException changed) {
                recent.forget(remembered.get().key()); // another writer came since: read it afresh
            }
        }
        Optional<Located> fresh = locate(owner, conversationId);
        try {
            return appendTo(fresh, owner, conversationId, turn, turnId, create);
        } catch (ConditionFailedException lost) {
            fresh.ifPresent(located -> recent.forget(located.key()));
            recent.forget(documentKey(owner, conversationId));
            throw lost;
        }
    }

    private Conversation appendTo(
            Optional<Located> found,
            Principal owner,
            String conversationId,
            List<StoredMessage> turn,
            String turnId,
            boolean create) {
        String now = clock.instant().toString();
        String key;
        Condition condition;
        Conversation updated;
        if (found.isEmpty()) {
            if (!create) {
                throw new ConversationDeletedException(conversationId);
            }
            key = documentKey(owner, conversationId);
            condition = Condition.ifAbsent();
            updated = Conversation.start(conversationId, owner, now).withTurn(turn, now);
        } else {
            Located located = found.get();
            if (located.document().deleted()) {
                throw new ConversationDeletedException(conversationId);
            }
            Conversation current = located.document().conversation();
            if (current.holdsTurn(turnId)) {
                return current;
            }
            key = located.key();
            condition = Condition.ifMatch(located.etag());
            updated = current.withTurn(turn, now);
        }
        byte[] json = codec.write(updated);
        String etag = objects.put(key, json, condition);
        recent.remember(
                new Located(
                        key,
                        !key.equals(documentKey(owner, conversationId)),
                        new Document(updated, updated.revision(), null),
                        etag),
                json.length);
        return updated;
    }

    @Override
    public Optional<Conversation> rename(Principal owner, String conversationId, String title, Deadline deadline) {
        for (int attempt = 1; ; attempt++) {
            Optional<Located> found = locate(owner, conversationId);
            if (found.isEmpty() || found.get().document().deleted()) {
                return Optional.empty();
            }
            Located located = found.get();
            Conversation renamed = located.document()
                    .conversation()
                    .renamedTo(title, clock.instant().toString());
            try {
                String etag = objects.put(located.key(), codec.write(renamed), Condition.ifMatch(located.etag()));
                recent.forget(located.key());
                refreshIndex(owner, Entry.of(renamed, etag, located.legacy()), deadline);
                return Optional.of(renamed);
            } catch (ConditionFailedException e) {
                retryOrGiveUp(attempt, deadline, e);
            }
        }
    }

    @Override
    public boolean delete(Principal owner, String conversationId, Deadline deadline) {
        Optional<Entry> tombstone = tombstone(owner, conversationId, deadline);
        tombstone.ifPresent(entry -> refreshIndex(owner, entry, deadline));
        return tombstone.isPresent();
    }

    @Override
    public int deleteAll(Principal owner, Deadline deadline) {
        Reconciled current = reconciled(owner);
        List<String> ids =
                current.live().stream().map(ConversationSummary::conversationId).toList();
        List<Entry> tombstones = inParallel(ids, id -> tombstone(owner, id, deadline)).stream()
                .flatMap(Optional::stream)
                .toList();
        if (!tombstones.isEmpty()) {
            updateIndex(
                    owner,
                    index -> {
                        ConversationIndex updated = index;
                        for (Entry entry : tombstones) {
                            updated = updated.with(entry);
                        }
                        return updated;
                    },
                    deadline);
        }
        return tombstones.size();
    }

    @Override
    public ConversationPage list(Principal owner, ConversationQuery query) {
        List<ConversationSummary> candidates = reconciled(owner).live().stream()
                .filter(summary ->
                        query.cursor().map(cursor -> cursor.precedes(summary)).orElse(true))
                .toList();
        var page = new ArrayList<ConversationSummary>();
        if (query.text().isEmpty()) {
            page.addAll(candidates.subList(0, Math.min(candidates.size(), query.limit() + 1)));
        } else {
            collectMatches(owner, candidates, query.text().get(), query.limit() + 1, page);
        }
        Optional<String> next = Optional.empty();
        if (page.size() > query.limit()) {
            page.subList(query.limit(), page.size()).clear();
            next = Optional.of(ListCursor.of(page.getLast()).encode());
        }
        return new ConversationPage(page, next);
    }

    /**
     * Adds to {@code page}, in order, the candidates whose title or messages mention the text, until it holds
     * {@code wanted}: titles from the index; messages from the person's own documents, read a batch at a time.
     */
    private void collectMatches(
            Principal owner,
            List<ConversationSummary> candidates,
            String text,
            int wanted,
            List<ConversationSummary> page) {
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        for (int from = 0; from < candidates.size() && page.size() < wanted; from += PARALLEL_READS) {
            List<ConversationSummary> batch =
                    candidates.subList(from, Math.min(candidates.size(), from + PARALLEL_READS));
            List<Boolean> matches = inParallel(
                    batch,
                    summary ->
                            summary.title().toLowerCase(java.util.Locale.ROOT).contains(lower)
                                    || find(owner, summary.conversationId())
                                            .map(conversation -> conversation.mentions(text))
                                            .orElse(false));
            for (int i = 0; i < batch.size() && page.size() < wanted; i++) {
                if (matches.get(i)) {
                    page.add(batch.get(i));
                }
            }
        }
    }

    /** The person's live conversations as the index says once repaired, in the listing's order. */
    private record Reconciled(List<ConversationSummary> live) {}

    /**
     * Reads the index and the person's folder, re-reads every document the index is behind on, writes the repaired
     * index back (when that fails, the next listing repairs it again) and answers from it.
     */
    private Reconciled reconciled(Principal owner) {
        Optional<StoredObject> stored = objects.get(indexKey(owner));
        ConversationIndex index =
                stored.map(object -> codec.readIndex(object.content())).orElse(ConversationIndex.EMPTY);
        Map<String, Listed> listed = listedDocuments(owner);

        List<String> behind = new ArrayList<>();
        listed.forEach((id, object) -> {
            Optional<Entry> entry = index.entry(id);
            if (entry.isEmpty() || !object.etag().equals(entry.get().etag())) {
                behind.add(id);
            }
        });
        Set<String> present = listed.keySet();
        List<String> gone = index.conversations().stream()
                .map(Entry::id)
                .filter(id -> !present.contains(id))
                .toList();
        ConversationIndex repaired = index;
        if (!behind.isEmpty() || !gone.isEmpty()) {
            List<Entry> fresh = inParallel(behind, id -> locate(owner, id).map(Located::entry)).stream()
                    .flatMap(Optional::stream)
                    .toList();
            repaired = index.replaced(fresh, gone);
            try {
                objects.put(
                        indexKey(owner),
                        codec.writeIndex(repaired),
                        stored.map(object -> Condition.ifMatch(object.etag())).orElse(Condition.ifAbsent()));
            } catch (ConditionFailedException | ChatException e) {
                // Another writer changed the index meanwhile, or it could not be written: the answer stands, and the
                // next listing repairs the index again.
            }
        }
        List<ConversationSummary> live = repaired.conversations().stream()
                .filter(entry -> !entry.deleted())
                .map(Entry::summary)
                .sorted(Comparator.comparing(ListCursor::of, ListCursor.ORDER))
                .toList();
        return new Reconciled(live);
    }

    /** The person's documents by id (for the anonymous principal, the legacy ones too; its own come first). */
    private Map<String, Listed> listedDocuments(Principal owner) {
        var documents = new LinkedHashMap<String, Listed>();
        if (ownsLegacy(owner)) {
            addDocuments(objects.list(PREFIX), PREFIX, documents);
        }
        addDocuments(objects.list(folder(owner)), folder(owner), documents);
        return documents;
    }

    private static void addDocuments(List<Listed> objects, String prefix, Map<String, Listed> documents) {
        for (Listed object : objects) {
            Matcher name = DOCUMENT.matcher(object.key().substring(prefix.length()));
            if (name.matches()) {
                documents.put(name.group(1), object);
            }
        }
    }

    /**
     * Replaces the principal's conversation by a tombstone.
     *
     * @return the index entry of the tombstone; empty when there was no such conversation (nothing was written)
     */
    private Optional<Entry> tombstone(Principal owner, String conversationId, Deadline deadline) {
        for (int attempt = 1; ; attempt++) {
            Optional<Located> found = locate(owner, conversationId);
            if (found.isEmpty() || found.get().document().deleted()) {
                return Optional.empty();
            }
            Located located = found.get();
            String deletedAt = clock.instant().toString();
            long revision = located.document().revision() + 1;
            try {
                String etag = objects.put(
                        located.key(),
                        codec.tombstone(conversationId, deletedAt, revision),
                        Condition.ifMatch(located.etag()));
                recent.forget(located.key());
                return Optional.of(Entry.tombstone(conversationId, revision, etag, located.legacy(), deletedAt));
            } catch (ConditionFailedException e) {
                retryOrGiveUp(attempt, deadline, e);
            }
        }
    }

    /** Brings the index's entry up to date after a write; a failure is left for the next listing to repair. */
    private void refreshIndex(Principal owner, Entry entry, Deadline deadline) {
        try {
            updateIndex(owner, index -> index.with(entry), deadline);
        } catch (ChatException e) {
            // The document is written; the index catches up at the next listing.
        }
    }

    /** Changes the index with a conditional write, retried from a fresh read while writes lose the race. */
    private void updateIndex(Principal owner, UnaryOperator<ConversationIndex> change, Deadline deadline) {
        String key = indexKey(owner);
        for (int attempt = 1; ; attempt++) {
            if (updateIndexOnce(key, change)) {
                return;
            }
            if (!backoff.pause(attempt, deadline)) {
                return;
            }
        }
    }

    /**
     * One read-change-write of the index, while this process's other writers of it wait (a person's index is the key
     * every turn of theirs writes: without the wait, concurrent turns would lose races to one another and back off).
     *
     * @return false when another process changed the index meanwhile
     */
    private boolean updateIndexOnce(String key, UnaryOperator<ConversationIndex> change) {
        ReentrantLock lock = writeLock(key);
        lock.lock();
        try {
            Optional<StoredObject> stored = objects.get(key);
            ConversationIndex index =
                    stored.map(object -> codec.readIndex(object.content())).orElse(ConversationIndex.EMPTY);
            ConversationIndex changed = change.apply(index);
            if (stored.isPresent() && changed.equals(index)) {
                return true;
            }
            objects.put(
                    key,
                    codec.writeIndex(changed),
                    stored.map(object -> Condition.ifMatch(object.etag())).orElse(Condition.ifAbsent()));
            return true;
        } catch (ConditionFailedException e) {
            return false;
        } finally {
            lock.unlock();
        }
    }

    private ReentrantLock writeLock(String key) {
        return writeLocks[Math.floorMod(key.hashCode(), writeLocks.length)];
    }

    private void retryOrGiveUp(int attempt, Deadline deadline, ConditionFailedException e) {
        if (!backoff.pause(attempt, deadline)) {
            throw ChatException.storageUnavailable(
                    e, Map.of("errorCause", e.getClass().getName(), "storeAttempts", Integer.toString(attempt)));
        }
    }

    /**
     * The last versions of documents this process read or wrote, by key, the most recently used kept: the start of a
     * conditional write, and the version a read names (so that an unchanged document is not sent and decoded again).
     */
    private static final class RecentDocuments {
        /** Documents larger than this are not kept (they are read again each time). */
        private static final int LARGEST = 256 * 1024;

        private record Kept(Located located, int bytes) {}

        private final int maxDocuments;
        private final int maxBytes;
        private final Map<String, Kept> byKey = new LinkedHashMap<>(16, 0.75f, true);
        private long bytes;

        /**
         * @param maxDocuments how many documents are kept at most (the ones being talked in: a turn's write follows
         *     its read within seconds)
         * @param maxBytes the most bytes (as stored) of all documents kept
         */
        RecentDocuments(int maxDocuments, int maxBytes) {
            this.maxDocuments = maxDocuments;
            this.maxBytes = maxBytes;
        }

        /** Keeps the version (a document of {@code size} bytes as stored), the least recently used making room. */
        synchronized Located remember(Located located, int size) {
            forget(located.key());
            if (size <= LARGEST) {
                byKey.put(located.key(), new Kept(located, size));
                bytes += size;
                for (var eldest = byKey.entrySet().iterator();
                        (bytes > maxBytes || byKey.size() > maxDocuments) && eldest.hasNext(); ) {
                    bytes -= eldest.next().getValue().bytes();
                    eldest.remove();
                }
            }
            return located;
        }

        /** The principal's document with this id as last seen: in its folder, else (anonymous) the legacy one. */
        synchronized Optional<Located> of(Principal owner, String conversationId) {
            Kept own = byKey.get(documentKey(owner, conversationId));
            if (own == null && ownsLegacy(owner)) {
                own = byKey.get(legacyKey(conversationId));
            }
            return Optional.ofNullable(own).map(Kept::located);
        }

        synchronized Optional<Located> at(String key) {
            return Optional.ofNullable(byKey.get(key)).map(Kept::located);
        }

        synchronized void forget(String key) {
            Kept gone = byKey.remove(key);
            if (gone != null) {
                bytes -= gone.bytes();
            }
        }
    }

    /** A document of the principal's, where it was found. */
    private record Located(String key, boolean legacy, Document document, String etag) {
        Entry entry() {
            return document.deleted()
                    ? Entry.tombstone(
                            document.conversation() == null
                                    ? idOf(key)
                                    : document.conversation().conversationId(),
                            document.revision(),
                            etag,
                            legacy,
                            document.deletedAt())
                    : Entry.of(document.conversation(), etag, legacy);
        }

        private static String idOf(String key) {
            String name = key.substring(key.lastIndexOf('/') + 1);
            return name.substring(0, name.length() - ".json".length());
        }
    }

    /** The principal's document with this id: in its folder, else (for the anonymous principal) the legacy one. */
    private Optional<Located> locate(Principal owner, String conversationId) {
        String id = ConversationIds.parse(conversationId);
        Optional<Located> own = read(documentKey(owner, id), false);
        if (own.isPresent() || !ownsLegacy(owner)) {
            return own;
        }
        return read(legacyKey(id), true);
    }

    /**
     * The document under the key as it is now. When this process has a version of it, the read names that version, and
     * a document still at it is neither sent again nor decoded again.
     */
    private Optional<Located> read(String key, boolean legacy) {
        Optional<Located> known = recent.at(key);
        if (known.isPresent()) {
            return switch (objects.getUnlessUnchanged(key, known.get().etag())) {
                case ObjectStore.Reread.Unchanged unchanged -> known;
                case ObjectStore.Reread.Changed changed ->
                    Optional.of(recent.remember(
                            decoded(key, legacy, changed.object()),
                            changed.object().content().length));
                case ObjectStore.Reread.Absent absent -> {
                    recent.forget(key);
                    yield Optional.empty();
                }
            };
        }
        return objects.get(key).map(object -> recent.remember(decoded(key, legacy, object), object.content().length));
    }

    private Located decoded(String key, boolean legacy, StoredObject object) {
        return new Located(key, legacy, codec.decode(object.content()), object.etag());
    }

    /** Applies the function to every item, up to {@link #PARALLEL_READS} at once, keeping the order. */
    private static <T, R> List<R> inParallel(List<T> items, Function<T, R> function) {
        if (items.size() <= 1) {
            return items.stream().map(function).toList();
        }
        var results = new ArrayList<R>(items.size());
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int from = 0; from < items.size(); from += PARALLEL_READS) {
                var futures = new ArrayList<Future<R>>();
                for (T item : items.subList(from, Math.min(items.size(), from + PARALLEL_READS))) {
                    futures.add(executor.submit(() -> function.apply(item)));
                }
                for (Future<R> future : futures) {
                    results.add(future.get());
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading conversations", e);
        }
        return results;
    }
}
