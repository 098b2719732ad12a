package dev.bedrockchat.function.chat;

import dev.bedrockchat.function.log.JsonLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Checks that every allowed model answers: the smallest possible Converse call (one short user message, one output
 * token) to each, in parallel, each bounded by {@link #TIMEOUT} (or MODEL_TIMEOUT_SECONDS when shorter). A failure
 * carries its {@linkplain ErrorReason reason} and the advice of the model adapter, so the check tells an operator what
 * to fix. At most one real check runs per {@link #INTERVAL} in a process: within it, the last result is given again,
 * marked as cached. With the offline stand-in no model is called and nothing is reported as working.
 */
public final class ModelCheck {
    /** The shortest time between two real checks in one process. */
    public static final Duration INTERVAL = Duration.ofSeconds(10);
    /** The longest wait for one model's answer. */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    static final String PROMPT = "Hi";

    private final ChatModel model;
    private final ModelCatalog catalog;
    private final Duration timeout;
    private final Clock clock;
    private final JsonLog log;
    /** A lock rather than a monitor: callers wait here on virtual threads, which a monitor would pin on JDK 21. */
    private final ReentrantLock running = new ReentrantLock();

    private Result last;

    /** One model's outcome: ok, or the error it failed with. */
    public record ModelResult(String modelId, long latencyMs, Optional<ChatException> failure) {
        public boolean ok() {
            return failure.isEmpty();
        }
    }

    /**
     * A check's outcome.
     *
     * @param checkedAt when the check ran
     * @param cached    whether this is the result of an earlier check, given again within {@link #INTERVAL}
     * @param standIn   whether the offline stand-in answers instead of a model (nothing was called)
     * @param models    one result per allowed model, in the catalog's order; empty for the stand-in
     */
    public record Result(Instant checkedAt, boolean cached, boolean standIn, List<ModelResult> models) {
        public Result {
            models = List.copyOf(models);
        }

        /** Whether every allowed model answered (never for the stand-in). */
        public boolean ok() {
            return !standIn && !models.isEmpty() && models.stream().allMatch(ModelResult::ok);
        }

        Result asCached() {
            return new Result(checkedAt, true, standIn, models);
        }
    }

    /**
     * @param modelTimeout MODEL_TIMEOUT_SECONDS: the check waits no longer than this for a model either
     */
    public ModelCheck(ChatModel model, ModelCatalog catalog, Duration modelTimeout, Clock clock, JsonLog log) {
        this.model = model;
        this.catalog = catalog;
        this.timeout = modelTimeout.compareTo(TIMEOUT) < 0 ? modelTimeout : TIMEOUT;
        this.clock = clock;
        this.log = log;
    }

    /** The longest wait for one model's answer in this process. */
    public Duration timeout() {
        return timeout;
    }

    /**
     * The result of a check: a new one, or within {@link #INTERVAL} of the last the same again (cached). Callers
     * that arrive while a check runs wait for it rather than start another.
     */
    public Result result() {
        running.lock();
        try {
            Instant now = clock.instant();
            if (last != null
                    && !now.isBefore(last.checkedAt())
                    && now.isBefore(last.checkedAt().plus(INTERVAL))) {
                return last.asCached();
            }
            last = run(now);
            return last;
        } finally {
            running.unlock();
        }
    }

    private Result run(Instant now) {
        if (model.mode().equals("offline")) {
            return new Result(now, false, true, List.of());
        }
        var calls = new ArrayList<Call>();
        for (ModelCatalog.Model allowed : catalog.models()) {
            calls.add(new Call(allowed.id()));
        }
        calls.forEach(call -> Thread.ofVirtual().name("model-check").start(call.task));
        Deadline all = Deadline.in(timeout.plusSeconds(1));
        var results = calls.stream().map(call -> call.await(all)).toList();
        var result = new Result(now, false, false, results);
        logCheck(result);
        return result;
    }

    private void logCheck(Result result) {
        var line = new LinkedHashMap<String, Object>();
        line.put("ok", result.ok());
        line.put("timeoutMs", timeout.toMillis());
        var models = new ArrayList<Map<String, Object>>();
        for (ModelResult outcome : result.models()) {
            var entry = new LinkedHashMap<String, Object>();
            entry.put("id", outcome.modelId());
            entry.put("status", outcome.ok() ? "ok" : "error");
            entry.put("latencyMs", outcome.latencyMs());
            outcome.failure().ifPresent(failure -> {
                entry.put("errorCode", failure.code().code());
                failure.reason().ifPresent(reason -> entry.put("errorReason", reason.wireName()));
                entry.putAll(failure.diagnostics());
            });
            models.add(entry);
        }
        line.put("models", models);
        if (result.ok()) {
            log.info("bedrock_check", line);
        } else {
            log.warn("bedrock_check", line);
        }
    }

    /** One model's call, on a thread of its own. */
    private final class Call {
        final String modelId;
        final long startNanos = System.nanoTime();
        final FutureTask<Void> task;

        Call(String modelId) {
            this.modelId = modelId;
            this.task = new FutureTask<>(() -> {
                model.converse(
                        new ModelRequest(modelId, "", List.of(ChatMessage.user(PROMPT)), 1, 0.0, Deadline.in(timeout)));
                return null;
            });
        }

        ModelResult await(Deadline all) {
            Optional<ChatException> failure;
            try {
                task.get(all.remaining().toNanos(), TimeUnit.NANOSECONDS);
                failure = Optional.empty();
            } catch (ExecutionException e) {
                failure = Optional.of(failureOf(e.getCause()));
            } catch (TimeoutException e) {
                task.cancel(true);
                failure = Optional.of(tooSlow(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                task.cancel(true);
                failure = Optional.of(tooSlow(e));
            }
            return new ModelResult(modelId, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), failure);
        }

        private ChatException failureOf(Throwable e) {
            if (e instanceof ChatException chat) {
                return chat.code() == ErrorCode.MODEL_TIMEOUT ? tooSlow(chat) : chat;
            }
            return ChatException.internal(e);
        }

        /** A check's own timeout, with a message that says so (not the answer's timeouts of a chat). */
        private ChatException tooSlow(Throwable cause) {
            return new ChatException(
                    ErrorCode.MODEL_TIMEOUT,
                    modelId + " did not answer the check within " + timeout.toMillis() + " ms: check the network "
                            + "and the endpoint (in the VPC, the bedrock-runtime interface endpoint and its security "
                            + "group), or try again later",
                    Optional.of(ErrorReason.TIMEOUT),
                    OptionalInt.empty(),
                    cause,
                    cause instanceof ChatException chat
                            ? chat.diagnostics()
                            : Map.of("errorCause", cause.getClass().getName()));
        }
    }
}
