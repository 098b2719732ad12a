package dev.bedrockchat.function.chat;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One person's use over a period (a UTC day or month), or of one answer.
 *
 * @param costUsd estimated US dollars; answers of a model without a price add nothing
 */
public record UsageTotals(
        long inputTokens,
        long outputTokens,
        long cacheReadTokens,
        long cacheWriteTokens,
        BigDecimal costUsd,
        long requests) {
    public static final UsageTotals ZERO = new UsageTotals(0, 0, 0, 0, BigDecimal.ZERO.setScale(ModelPrices.SCALE), 0);

    public UsageTotals {
        Objects.requireNonNull(costUsd, "costUsd");
        costUsd = costUsd.setScale(ModelPrices.SCALE, java.math.RoundingMode.HALF_UP);
    }

    /** One answer's use: its tokens, its cost (zero when unknown), one request. */
    public static UsageTotals ofAnswer(Usage usage, BigDecimal costUsd) {
        return new UsageTotals(
                usage.inputTokens(),
                usage.outputTokens(),
                usage.cacheReadTokens() == null ? 0 : usage.cacheReadTokens(),
                usage.cacheWriteTokens() == null ? 0 : usage.cacheWriteTokens(),
                costUsd == null ? BigDecimal.ZERO : costUsd,
                1);
    }

    /** Input and output tokens: what the token quota counts. */
    public long totalTokens() {
        return inputTokens + outputTokens;
    }

    public UsageTotals plus(UsageTotals other) {
        return new UsageTotals(
                inputTokens + other.inputTokens,
                outputTokens + other.outputTokens,
                cacheReadTokens + other.cacheReadTokens,
                cacheWriteTokens + other.cacheWriteTokens,
                costUsd.add(other.costUsd),
                requests + other.requests);
    }
}
