package dev.bedrockchat.function.chat;

import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One request of an API as the {@link UsageMeter} sees it while it runs: whose quota it counts against, the model it
 * asked for, the quota check's admission and what it used as far as it got; told to the meter exactly once when it
 * ends, whether it was answered, refused or cut short. The chat ({@link ChatService}) and the stateless completions
 * ({@link CompletionService}) both run their requests through it, so they are metered alike.
 */
final class MeteredRequest {
    /** What a running request has used so far. */
    interface Progress {
        /** What the model counted, or an estimate for an answer cut short; null when nothing was answered. */
        Usage usage();

        /** Milliseconds to the first delta; null before one. */
        Long firstTokenMs();
    }

    private final UsageMeter meter;
    private final String requestId;
    private final Principal person;
    private final long startNanos = System.nanoTime();
    private String modelId = RequestMeasurement.NO_MODEL;
    private UsageMeter.Admission admission;
    private Progress progress;

    private MeteredRequest(UsageMeter meter, String requestId, Principal person) {
        this.meter = meter;
        this.requestId = requestId;
        this.person = person;
    }

    /**
     * Runs {@code body} and then tells the meter how the request went: its error code (none for a client that left,
     * as that is no error of the service; what was streamed until then is counted), its use and its timings.
     */
    static <T> T run(
            UsageMeter meter, String requestId, String api, Principal person, Function<MeteredRequest, T> body) {
        var request = new MeteredRequest(meter, requestId, person);
        String errorCode = null;
        try {
            return body.apply(request);
        } catch (ChatException e) {
            errorCode = e.code().code();
            throw e;
        } catch (InvalidCompletionException e) {
            errorCode = ErrorCode.VALIDATION_ERROR.code();
            throw e;
        } catch (ClientDisconnectedException e) {
            throw e;
        } catch (RuntimeException e) {
            errorCode = ErrorCode.INTERNAL_ERROR.code();
            throw e;
        } finally {
            Progress done = request.progress;
            meter.record(new UsageMeter.Metered(
                    requestId,
                    api,
                    person,
                    request.modelId,
                    done == null ? null : done.usage(),
                    errorCode,
                    done == null ? null : done.firstTokenMs(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - request.startNanos),
                    request.admission));
        }
    }

    /** The model the request asked for, once it is known to be allowed. */
    void model(String id) {
        modelId = id;
    }

    /**
     * Checks the person's daily quota; call it just before the model is.
     *
     * @throws ChatException QuotaExceeded when the person is at or over a limit
     */
    void admit() {
        admission = meter.check(person, requestId);
    }

    /** Where the request's use can be read when it ends. */
    void progress(Progress running) {
        progress = running;
    }
}
