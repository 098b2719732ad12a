package dev.bedrockchat.function.chat;

/** The client went away while an answer was being streamed to it; the model call is cancelled. */
public final class ClientDisconnectedException extends RuntimeException {
    public ClientDisconnectedException(Throwable cause) {
        super("The client closed the connection while the answer was streamed", cause);
    }
}
