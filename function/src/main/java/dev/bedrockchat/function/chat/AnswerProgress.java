package dev.bedrockchat.function.chat;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * How far the model's answer to one request has got, as a chat turn and a completion both keep it for their artifact
 * and the meter: the request, the text streamed so far, when its first piece came, and the model's reply once whole.
 * Used only on the thread that calls the model (the {@link DeltaListener} runs there too).
 */
final class AnswerProgress implements MeteredRequest.Progress {
    private final ModelRequest request;
    private final Instant startedAt;
    private final long startNanos = System.nanoTime();
    private final StringBuilder streamed = new StringBuilder();
    private Long firstTokenMs;
    private ModelReply reply;

    /** An answer to {@code request} that starts now ({@code startedAt} on the wall clock). */
    AnswerProgress(ModelRequest request, Instant startedAt) {
        this.request = request;
        this.startedAt = startedAt;
    }

    Instant startedAt() {
        return startedAt;
    }

    /** The next piece of a streamed answer; the first one sets the first-token time. */
    void delta(String text) {
        if (firstTokenMs == null) {
            firstTokenMs = elapsedMs();
        }
        streamed.append(text);
    }

    /** The model's complete reply. */
    void replied(ModelReply complete) {
        reply = complete;
    }

    /** Whether the model's complete reply arrived. */
    boolean hasReply() {
        return reply != null;
    }

    /** The text streamed so far (empty for none). */
    String streamed() {
        return streamed.toString();
    }

    /** The reply's text, else the text streamed so far; null when there is neither. */
    String replyText() {
        return reply != null ? reply.text() : streamed.isEmpty() ? null : streamed.toString();
    }

    /** The reply's stop reason; null without a reply. */
    String stopReason() {
        return reply == null ? null : reply.stopReason();
    }

    /** What the answer used ({@link Usage#ofAnswer}): the model's count, or an estimate; null without an answer. */
    @Override
    public Usage usage() {
        return Usage.ofAnswer(request, reply, streamed);
    }

    @Override
    public Long firstTokenMs() {
        return firstTokenMs;
    }

    /** Whether {@link #usage()} is an estimate rather than the model's count; null without usage. */
    Boolean usageEstimated() {
        return usage() == null ? null : !Usage.countedBy(reply);
    }

    long elapsedMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
