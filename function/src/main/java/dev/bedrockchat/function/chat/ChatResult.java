package dev.bedrockchat.function.chat;

/** The outcome of one completed chat turn. */
public record ChatResult(
        String conversationId,
        String modelId,
        String reply,
        String stopReason,
        Usage usage,
        long latencyMs,
        Long timeToFirstTokenMs) {}
