package dev.bedrockchat.function.chat;

import java.math.BigDecimal;

/**
 * The outcome of one chat turn that was answered.
 *
 * @param title  the conversation's title
 * @param stored  whether the turn is kept in the conversation; when the storage failed (or the conversation was deleted
 *                while the turn ran) the answer is still given, and the turn is kept in its artifact
 * @param costUsd the answer's estimated cost in US dollars (6 decimals); null when its model has no price
 */
public record ChatResult(
        String conversationId,
        String title,
        String modelId,
        String reply,
        String stopReason,
        Usage usage,
        long latencyMs,
        Long timeToFirstTokenMs,
        boolean stored,
        BigDecimal costUsd) {}
