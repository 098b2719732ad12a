package dev.bedrockchat.function.chat;

/** The model's complete answer to one turn. */
public record ModelReply(String text, String stopReason, Usage usage) {}
