package dev.bedrockchat.function.chat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

/**
 * One person's use as {@code GET /api/usage} shows it.
 *
 * @param remainingTokens what is left of the token quota today; empty without one
 * @param remainingUsd    what is left of the dollar quota today; empty without one
 * @param resetsAt        the next midnight UTC, when today's counters start again
 */
public record UsageReport(
        UsageTotals today,
        UsageTotals month,
        DailyQuota quota,
        Optional<Long> remainingTokens,
        Optional<BigDecimal> remainingUsd,
        Instant resetsAt) {}
