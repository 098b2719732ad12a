package dev.bedrockchat.function.api;

import dev.bedrockchat.function.chat.Deadline;
import java.time.Duration;

/**
 * The time limit of an answer inside a Lambda invocation, for both transports (the buffered handler and the server
 * behind the Lambda Web Adapter): the invocation's remaining time less {@link #RESPONSE_MARGIN}, so that the turn,
 * its artifact and the response still get out before the invocation ends.
 */
public final class InvocationTimeLimit {
    /**
     * The time kept back from the invocation's remaining time for what follows an answer: saving the turn, recording
     * its artifact (bounded to about three seconds) and returning the response.
     */
    public static final Duration RESPONSE_MARGIN = Duration.ofSeconds(4);

    private InvocationTimeLimit() {}

    /** The deadline of an answer when the invocation has {@code remaining} left (at once, when that is too short). */
    public static Deadline forRemaining(Duration remaining) {
        return Deadline.in(remaining.minus(RESPONSE_MARGIN));
    }
}
