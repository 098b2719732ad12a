package dev.bedrockchat.function.chat;

import java.util.Objects;

/**
 * A completion request the service refuses before the model is called, naming the part of the request that is wrong
 * so that a transport can point at its own field. The message, which a transport puts after the field's name, says
 * what is wrong and what to send instead.
 */
public final class InvalidCompletionException extends RuntimeException {
    /** The part of a completion request that is wrong. */
    public enum Part {
        MESSAGES,
        MAX_TOKENS,
        TEMPERATURE,
        TOP_P,
        STOP
    }

    private final Part part;

    public InvalidCompletionException(Part part, String message) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.part = Objects.requireNonNull(part, "part");
    }

    public Part part() {
        return part;
    }
}
