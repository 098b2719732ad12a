package dev.bedrockchat.function.chat;

import dev.bedrockchat.function.log.JsonLog;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.Optional;

/**
 * Meters the chat requests of every API: the per-person daily quota checked before a model is called
 * ({@link #check}), each answer's use counted in the person's usage counters and its metrics reported after it
 * ({@link #record}), and the person's use as {@code GET /api/usage} shows it ({@link #report}).
 *
 * <p>A person is the principal the API names: the signed-in one, or the client address where nobody signs in.
 *
 * <p><b>When the usage store fails</b> (unreachable, erroring, too slow) the chat goes on: the check admits the
 * request and the answer is not counted, each time with a {@code usage_store_unavailable} warning in the log and the
 * {@code UsageStoreErrors} metric of the request. Quotas are a guard on spend, not the service itself, and the budget
 * guard still bounds the month.
 *
 * <p><b>Concurrent requests</b> of one person each pass the check against what was counted when they began, so
 * together they may exceed the quota by at most what the requests already running use; every answer is still counted
 * (the store's writes are conditional and retried) and counted once (by request id).
 */
public final class UsageMeter {
    /** The page's chat API, as the metrics name it. */
    public static final String CHAT_API = "chat";
    /** The OpenAI-compatible API ({@code /v1}), as the metrics name it. */
    public static final String OPENAI_API = "openai";
    /** The longest counting one answer may retry writes that lost a race. */
    public static final Duration RECORD_LIMIT = Duration.ofSeconds(3);

    private final Optional<UsageStore> store;
    private final ModelPrices prices;
    private final DailyQuota quota;
    private final RequestMetrics metrics;
    private final JsonLog log;
    private final Clock clock;

    /**
     * @param store   the usage counters; empty counts nothing (and so limits nothing)
     * @param log     where a store failure is told; null for none
     */
    public UsageMeter(
            Optional<UsageStore> store,
            ModelPrices prices,
            DailyQuota quota,
            RequestMetrics metrics,
            JsonLog log,
            Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.prices = Objects.requireNonNull(prices, "prices");
        this.quota = Objects.requireNonNull(quota, "quota");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.log = log;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A meter that counts, limits and reports nothing. */
    public static UsageMeter unmetered(Clock clock) {
        return new UsageMeter(Optional.empty(), ModelPrices.NONE, DailyQuota.NONE, RequestMetrics.NONE, null, clock);
    }

    public DailyQuota quota() {
        return quota;
    }

    public ModelPrices prices() {
        return prices;
    }

    /** Whether a request may call a model. */
    public record Admission(boolean storeFailed) {}

    /**
     * Checks the person's use today against the quota, before a model is called. Without a quota nothing is read.
     *
     * @return the admission; {@link Admission#storeFailed()} when the store could not be read (the request is
     *     admitted all the same)
     * @throws ChatException QuotaExceeded when the person is at or over a limit, with the seconds to the reset and the
     *     reset time
     */
    public Admission check(Principal person, String requestId) {
        if (!quota.limited() || store.isEmpty()) {
            return new Admission(false);
        }
        Instant now = clock.instant();
        UsageTotals today;
        try {
            today = store.get()
                    .counted(person, LocalDate.ofInstant(now, ZoneOffset.UTC))
                    .day();
        } catch (RuntimeException e) {
            storeFailed("check", requestId, e);
            return new Admission(true);
        }
        Instant resetsAt = nextMidnight(now);
        if (quota.tokens().isPresent() && today.totalTokens() >= quota.tokens().getAsLong()) {
            throw ChatException.quotaExceeded(
                    "You have used your daily quota of " + quota.tokens().getAsLong() + " tokens ("
                            + today.totalTokens() + " used today); it resets at midnight UTC (" + resetsAt + ")",
                    retryAfter(now, resetsAt),
                    resetsAt);
        }
        if (quota.usd().isPresent() && today.costUsd().compareTo(quota.usd().get()) >= 0) {
            throw ChatException.quotaExceeded(
                    "You have used your daily quota of US$" + quota.usd().get().toPlainString()
                            + " (an estimated US$"
                            + today.costUsd().stripTrailingZeros().toPlainString()
                            + " used today); it resets at midnight UTC (" + resetsAt + ")",
                    retryAfter(now, resetsAt),
                    resetsAt);
        }
        return new Admission(false);
    }

    /** The estimated cost of an answer; empty when its model has no price or nothing was counted. */
    public Optional<BigDecimal> cost(String modelId, Usage usage) {
        return prices.cost(modelId, usage);
    }

    /**
     * One finished request, whatever its outcome.
     *
     * @param person       whose quota it counts against
     * @param api          {@link #CHAT_API} or {@link #OPENAI_API}
     * @param modelId      the model asked, or {@link RequestMeasurement#NO_MODEL}
     * @param usage        what the model counted or, for an answer cut short, the estimate; null when the model was
     *                     not called or counted nothing
     * @param errorCode    the error the request ended with; null when it was answered
     * @param admission    the check's admission; null when the request was refused before the check
     */
    public record Metered(
            String requestId,
            String api,
            Principal person,
            String modelId,
            Usage usage,
            String errorCode,
            Long timeToFirstTokenMs,
            long latencyMs,
            Admission admission) {}

    /**
     * Counts the request's use in the person's counters (when the model counted anything) and reports its metrics;
     * never throws.
     *
     * @return the answer's estimated cost, when known
     */
    public Optional<BigDecimal> record(Metered request) {
        Usage usage = request.usage() == null || request.usage().nothingCounted() ? null : request.usage();
        Optional<BigDecimal> cost = usage == null ? Optional.empty() : cost(request.modelId(), usage);
        boolean storeFailed = request.admission() != null && request.admission().storeFailed();
        if (usage != null && store.isPresent()) {
            try {
                store.get()
                        .add(
                                request.person(),
                                request.requestId(),
                                LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC),
                                UsageTotals.ofAnswer(usage, cost.orElse(null)),
                                Deadline.in(RECORD_LIMIT));
            } catch (RuntimeException e) {
                storeFailed("record", request.requestId(), e);
                storeFailed = true;
            }
        }
        try {
            metrics.record(new RequestMeasurement(
                    request.requestId(),
                    request.api(),
                    request.modelId(),
                    Optional.ofNullable(request.errorCode()),
                    Optional.ofNullable(usage),
                    Optional.ofNullable(request.timeToFirstTokenMs()),
                    request.latencyMs(),
                    cost,
                    ErrorCode.QUOTA_EXCEEDED.code().equals(request.errorCode()),
                    storeFailed));
        } catch (RuntimeException e) {
            // Metrics never fail a request.
        }
        return cost;
    }

    /**
     * The person's use today and this month, with the quota and what remains of it.
     *
     * @throws ChatException StorageUnavailable when the counters cannot be read
     */
    public UsageReport report(Principal person) {
        Instant now = clock.instant();
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        UsageStore.Counted counted = store.map(s -> s.counted(person, day)).orElse(UsageStore.Counted.NONE);
        UsageTotals today = counted.day();
        UsageTotals month = counted.month();
        Optional<Long> remainingTokens = quota.tokens().isPresent()
                ? Optional.of(Math.max(0, quota.tokens().getAsLong() - today.totalTokens()))
                : Optional.empty();
        Optional<BigDecimal> remainingUsd = quota.usd()
                .map(limit -> limit.subtract(today.costUsd())
                        .max(BigDecimal.ZERO)
                        .setScale(ModelPrices.SCALE, RoundingMode.HALF_UP));
        return new UsageReport(today, month, quota, remainingTokens, remainingUsd, nextMidnight(now));
    }

    /** The next midnight UTC after {@code now}: when the daily counters start again. */
    public static Instant nextMidnight(Instant now) {
        return LocalDate.ofInstant(now, ZoneOffset.UTC)
                .plusDays(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant();
    }

    /** Whole seconds from now to the reset, rounded up, at least 1. */
    static int retryAfter(Instant now, Instant resetsAt) {
        long millis = Duration.between(now, resetsAt).toMillis();
        return (int) Math.max(1, (millis + 999) / 1000);
    }

    private void storeFailed(String operation, String requestId, RuntimeException e) {
        if (log == null) {
            return;
        }
        var line = new LinkedHashMap<String, Object>();
        line.put("requestId", requestId);
        line.put("operation", operation);
        line.put(
                "errorCause",
                e instanceof ChatException chat && chat.getCause() != null
                        ? chat.getCause().getClass().getName()
                        : e.getClass().getName());
        if (e instanceof ChatException chat) {
            line.putAll(chat.diagnostics());
        }
        line.put(
                "notice",
                "The usage store could not be reached: the chat goes on, this request's use is "
                        + ("check".equals(operation) ? "not checked against the quota" : "not counted"));
        log.warn("usage_store_unavailable", line);
    }
}
