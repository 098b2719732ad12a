package dev.bedrockchat.function.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.chat.Deadline;
import dev.bedrockchat.function.chat.Principal;
import dev.bedrockchat.function.chat.UsageStore;
import dev.bedrockchat.function.chat.UsageTotals;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The usage counters on an {@link ObjectStore} (the artifact bucket, or the local folder with the same layout): one
 * small JSON object per person and UTC month, {@code usage/<principalKey>/<YYYY-MM>.json}, with the month's totals and
 * each day's:
 * {@code {"period","inputTokens","outputTokens","cacheReadTokens","cacheWriteTokens","costUsd","requests",
 * "days":{"<YYYY-MM-DD>":{…the same totals…}},"requestIds":[…],"updatedAt"}}. So an answer is one write and a check
 * one read, whether it needs the day's totals (the quota) or the month's too (the usage report).
 *
 * <p>An answer is added by read, add, conditional write ({@code If-None-Match: *} for a new counter, {@code If-Match}
 * for an existing one); a write that loses a race is read and tried again with full-jitter backoff until the deadline.
 * The answers of this process's concurrent requests to one counter are added in one such write (see {@link #add}),
 * which starts from the version this process last read or wrote (on the condition that it is still that one), and a
 * read of a counter names that version (so that an unchanged counter is not sent and parsed again).
 * Each counter keeps the ids of the last {@value #KEPT_REQUEST_IDS} requests it counted and skips a request it already
 * holds, so a write repeated after it had succeeded counts once.
 *
 * <p>The bucket's lifecycle rule expires the counters by their prefix, {@code usage/}, a while after their last write.
 */
public final class ObjectUsageStore implements UsageStore {
    /** How many of the latest request ids each counter keeps, to skip a repeated write. */
    public static final int KEPT_REQUEST_IDS = 64;

    private final ObjectStore objects;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final Backoff backoff;
    /** Striped by key: this process's writers of one counter take turns and add together (see {@link #add}). */
    private final Stripe[] stripes = new Stripe[64];
    /** The counters this process last read or wrote (one per person and month). */
    private final RecentCounters recent = new RecentCounters(256);

    public ObjectUsageStore(ObjectStore objects, ObjectMapper mapper, Clock clock) {
        this(objects, mapper, clock, Backoff.standard());
    }

    public ObjectUsageStore(ObjectStore objects, ObjectMapper mapper, Clock clock, Backoff backoff) {
        this.objects = objects;
        this.mapper = mapper;
        this.clock = clock;
        this.backoff = backoff;
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Stripe();
        }
    }

    /** {@code usage/<principalKey>/<YYYY-MM>.json}. */
    public static String key(Principal person, YearMonth month) {
        return "usage/" + person.key() + "/" + month + ".json";
    }

    @Override
    public Counted counted(Principal person, LocalDate day) {
        Counter counter = current(key(person, YearMonth.from(day)));
        return new Counted(counter.day(day.toString()), counter.totals());
    }

    /** The counter as it is now; a read that names the version this process has, when it has one. */
    private Counter current(String key) {
        Optional<Counter> known = recent.at(key);
        if (known.isPresent()) {
            return switch (objects.getUnlessUnchanged(key, known.get().etag())) {
                case ObjectStore.Reread.Unchanged unchanged -> known.get();
                case ObjectStore.Reread.Changed changed -> recent.remember(key, counterOf(changed.object()));
                case ObjectStore.Reread.Absent absent -> {
                    recent.forget(key);
                    yield Counter.NONE;
                }
            };
        }
        return objects.get(key)
                .map(object -> recent.remember(key, counterOf(object)))
                .orElse(Counter.NONE);
    }

    @Override
    public void add(Principal person, String requestId, LocalDate day, UsageTotals answer, Deadline deadline) {
        YearMonth month = YearMonth.from(day);
        String key = key(person, month);
        add(key, month.toString(), new Waiting(key, requestId, day.toString(), answer), deadline);
    }

    /**
     * Adds one answer to one counter. This process's requests for a counter are added together: each request puts its
     * answer in the counter's queue, and whoever holds the counter's lock takes every answer waiting there and adds
     * them in one read-add-write (so concurrent requests of one person write the counter once, not once each, and do
     * not lose races to one another). The conditional write still settles races with other processes, retried with
     * full-jitter backoff until the deadline; an answer carried by a write that failed gets that failure.
     */
    private void add(String key, String period, Waiting mine, Deadline deadline) {
        Stripe stripe = stripes[Math.floorMod(key.hashCode(), stripes.length)];
        stripe.enqueue(mine);
        stripe.lock.lock();
        try {
            if (!mine.settled()) {
                // Only a holder of the lock takes answers from the queue, and settles them before it lets go: so mine
                // is either settled already or still waiting there now.
                List<Waiting> batch = stripe.take(key);
                RuntimeException failure = null;
                try {
                    addWithRetries(key, period, batch, deadline);
                } catch (RuntimeException e) {
                    failure = e;
                } catch (Error e) {
                    failure = new IllegalStateException("The usage counter was not written", e);
                    throw e;
                } finally {
                    // Every answer taken is settled, so that none of their requests goes on as if it were counted.
                    for (Waiting waiting : batch) {
                        waiting.settle(failure);
                    }
                }
            }
        } finally {
            stripe.lock.unlock();
        }
        mine.outcome();
    }

    private void addWithRetries(String key, String period, List<Waiting> batch, Deadline deadline) {
        for (int attempt = 1; ; attempt++) {
            try {
                addOnce(key, period, batch);
                return;
            } catch (ConditionFailedException lost) {
                // Another process wrote the counter meanwhile (this process's writers hold the lock in turn). The wait
                // holds the counter's lock: this process's other requests for it wait too, and are added by the next
                // attempt (a process with concurrent requests and other processes on one counter is a local server on
                // a shared bucket; in Lambda an environment serves one request at a time).
                if (!backoff.pause(attempt, deadline)) {
                    throw ChatException.storageUnavailable(
                            lost,
                            Map.of("errorCause", "usage counter " + period + " kept changing until the deadline"));
                }
            }
        }
    }

    /**
     * Adds the batch to the counter, starting from the version this process last read or wrote of it (on the condition
     * that it is still that version); when another process wrote it since, from a fresh read.
     *
     * @throws ConditionFailedException when the write from the fresh read lost a race too
     */
    private void addOnce(String key, String period, List<Waiting> batch) {
        Optional<Counter> known = recent.at(key);
        if (known.isPresent()) {
            try {
                addTo(
                        key,
                        period,
                        known.get(),
                        ObjectStore.Condition.ifMatch(known.get().etag()),
                        batch);
                return;
            } catch (ConditionFailedException changed) {
                recent.forget(key);
            }
        }
        Optional<ObjectStore.StoredObject> current = objects.get(key);
        Counter read = current.map(this::counterOf).orElse(Counter.NONE);
        ObjectStore.Condition condition = current.map(object -> ObjectStore.Condition.ifMatch(object.etag()))
                .orElseGet(ObjectStore.Condition::ifAbsent);
        try {
            addTo(key, period, read, condition, batch);
        } catch (ConditionFailedException lost) {
            recent.forget(key);
            throw lost;
        }
    }

    private void addTo(String key, String period, Counter from, ObjectStore.Condition condition, List<Waiting> batch) {
        var ids = new ArrayList<>(from.requestIds());
        UsageTotals totals = from.totals();
        var days = new TreeMap<>(from.days());
        boolean added = false;
        for (Waiting waiting : batch) {
            if (!ids.contains(waiting.requestId())) { // else counted already: a write repeated after it had succeeded
                totals = totals.plus(waiting.answer());
                days.merge(waiting.day(), waiting.answer(), UsageTotals::plus);
                ids.add(waiting.requestId());
                added = true;
            }
        }
        if (!added) {
            return;
        }
        var counter = new Counter(
                null,
                totals,
                Collections.unmodifiableSortedMap(days),
                List.copyOf(ids.subList(Math.max(0, ids.size() - KEPT_REQUEST_IDS), ids.size())));
        String etag = objects.put(key, bytes(written(period, counter)), condition);
        recent.remember(key, counter.at(etag));
    }

    /**
     * A counter as this process last read or wrote it: its version, the month's totals, each day's, and the request
     * ids it keeps.
     */
    private record Counter(
            String etag, UsageTotals totals, SortedMap<String, UsageTotals> days, List<String> requestIds) {
        static final Counter NONE = new Counter(null, UsageTotals.ZERO, Collections.emptySortedMap(), List.of());

        UsageTotals day(String day) {
            return days.getOrDefault(day, UsageTotals.ZERO);
        }

        Counter at(String version) {
            return new Counter(version, totals, days, requestIds);
        }
    }

    private Counter counterOf(ObjectStore.StoredObject object) {
        ObjectNode document = document(object);
        var days = new TreeMap<String, UsageTotals>();
        document.path("days").properties().forEach(day -> days.put(day.getKey(), totals(day.getValue())));
        return new Counter(
                object.etag(),
                totals(document),
                Collections.unmodifiableSortedMap(days),
                List.copyOf(requestIds(document)));
    }

    /** The counters this process last read or wrote, by key, the most recently used kept. */
    private static final class RecentCounters {
        private final Map<String, Counter> byKey;

        RecentCounters(int capacity) {
            this.byKey = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Counter> eldest) {
                    return size() > capacity;
                }
            };
        }

        synchronized Optional<Counter> at(String key) {
            return Optional.ofNullable(byKey.get(key));
        }

        synchronized Counter remember(String key, Counter counter) {
            byKey.put(key, counter);
            return counter;
        }

        synchronized void forget(String key) {
            byKey.remove(key);
        }
    }

    /** One request's answer on its way into a counter. */
    private static final class Waiting {
        private final String key;
        private final String requestId;
        private final String day;
        private final UsageTotals answer;
        private boolean settled;
        private RuntimeException failure;

        Waiting(String key, String requestId, String day, UsageTotals answer) {
            this.key = key;
            this.requestId = requestId;
            this.day = day;
            this.answer = answer;
        }

        String requestId() {
            return requestId;
        }

        String day() {
            return day;
        }

        UsageTotals answer() {
            return answer;
        }

        synchronized boolean settled() {
            return settled;
        }

        synchronized void settle(RuntimeException failure) {
            this.settled = true;
            this.failure = failure;
        }

        /** Returns once added; throws what made the write that carried it fail. */
        synchronized void outcome() {
            if (failure != null) {
                throw failure;
            }
        }
    }

    /** The counters whose keys hash alike: one lock for their writers, one queue for their waiting answers. */
    private static final class Stripe {
        final ReentrantLock lock = new ReentrantLock();
        private final List<Waiting> queue = new ArrayList<>();

        synchronized void enqueue(Waiting waiting) {
            queue.add(waiting);
        }

        /** Takes every answer waiting for this counter, in the order they came. */
        synchronized List<Waiting> take(String key) {
            var taken = new ArrayList<Waiting>();
            for (Iterator<Waiting> it = queue.iterator(); it.hasNext(); ) {
                Waiting waiting = it.next();
                if (waiting.key.equals(key)) {
                    taken.add(waiting);
                    it.remove();
                }
            }
            return taken;
        }
    }

    private ObjectNode written(String period, Counter counter) {
        ObjectNode document = mapper.createObjectNode().put("period", period);
        putTotals(document, counter.totals());
        ObjectNode days = document.putObject("days");
        counter.days().forEach((day, totals) -> putTotals(days.putObject(day), totals));
        ArrayNode kept = document.putArray("requestIds");
        counter.requestIds().forEach(kept::add);
        document.put("updatedAt", clock.instant().toString());
        return document;
    }

    private static void putTotals(ObjectNode node, UsageTotals totals) {
        node.put("inputTokens", totals.inputTokens())
                .put("outputTokens", totals.outputTokens())
                .put("cacheReadTokens", totals.cacheReadTokens())
                .put("cacheWriteTokens", totals.cacheWriteTokens())
                .put("costUsd", totals.costUsd())
                .put("requests", totals.requests());
    }

    /** Totals as stored; a field that is not a number counts as zero (and is replaced by the next write). */
    private static UsageTotals totals(JsonNode document) {
        return new UsageTotals(
                document.path("inputTokens").asLong(0),
                document.path("outputTokens").asLong(0),
                document.path("cacheReadTokens").asLong(0),
                document.path("cacheWriteTokens").asLong(0),
                cost(document.path("costUsd")),
                document.path("requests").asLong(0));
    }

    private static BigDecimal cost(JsonNode cost) {
        if (cost.isNumber()) {
            return cost.decimalValue();
        }
        try {
            return new BigDecimal(cost.asText("0"));
        } catch (NumberFormatException notANumber) {
            return BigDecimal.ZERO;
        }
    }

    private static List<String> requestIds(JsonNode document) {
        var ids = new ArrayList<String>();
        document.path("requestIds").forEach(id -> ids.add(id.asText()));
        return ids;
    }

    /** A counter as stored; one that cannot be read as JSON is taken as empty (and replaced by the next write). */
    private ObjectNode document(ObjectStore.StoredObject object) {
        try {
            JsonNode node = mapper.readTree(object.content());
            return node != null && node.isObject() ? (ObjectNode) node : mapper.createObjectNode();
        } catch (IOException e) {
            return mapper.createObjectNode();
        }
    }

    private byte[] bytes(ObjectNode document) {
        try {
            return mapper.writeValueAsBytes(document);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
