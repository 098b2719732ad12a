package dev.bedrockchat.function.chat;

/** Tokens counted by the model for one exchange. */
public record Usage(int inputTokens, int outputTokens) {
    public static final Usage NONE = new Usage(0, 0);
}
