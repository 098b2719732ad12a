package dev.bedrockchat.function.chat;

/** A conversation as a listing shows it. */
public record ConversationSummary(
        String conversationId, String title, String createdAt, String updatedAt, int messageCount) {}
