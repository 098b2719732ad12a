package dev.bedrockchat.function.chat;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one person may use per UTC day (USER_DAILY_TOKEN_QUOTA, USER_DAILY_USD_QUOTA); each limit is optional.
 *
 * @param tokens input and output tokens
 * @param usd    estimated US dollars (from the price table)
 */
public record DailyQuota(OptionalLong tokens, Optional<BigDecimal> usd) {
    public static final DailyQuota NONE = new DailyQuota(OptionalLong.empty(), Optional.empty());

    public DailyQuota {
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(usd, "usd");
    }

    public boolean limited() {
        return tokens.isPresent() || usd.isPresent();
    }
}
