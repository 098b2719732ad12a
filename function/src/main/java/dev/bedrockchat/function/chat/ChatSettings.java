package dev.bedrockchat.function.chat;

import java.time.Duration;

/**
 * The limits and inference settings of the chat service.
 *
 * @param maxMessageChars the longest user message accepted
 * @param maxTokens       the longest answer asked of the model
 * @param temperature     the sampling temperature
 * @param environmentName the deployment's environment label, kept in artifacts
 * @param answerTimeout   the longest time one answer may take, whole or streamed (ANSWER_TIMEOUT_SECONDS)
 */
public record ChatSettings(
        int maxMessageChars, int maxTokens, double temperature, String environmentName, Duration answerTimeout) {}
