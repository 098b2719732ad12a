package dev.bedrockchat.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bedrockchat.function.chat.ModelPrices;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** MODEL_PRICES, MODEL_PRICES_TAKEN_ON and the daily quotas, read at start-up: every mistake stops it with one line. */
class CostConfigTest {
    @TempDir
    Path dir;

    private Config config(Map<String, String> env) {
        return Config.from(env, new Properties(), dir);
    }

    @Test
    void thePriceTableIsReadExactlyAsTheInfrastructureWritesIt() {
        Config config = config(Map.of(
                "MODEL_PRICES",
                "{\"amazon.nova-lite-v1:0\":{\"inputPer1k\":0.00006,\"outputPer1k\":0.00024,\"cacheReadPer1k\":0.000015},"
                        + "\"global.anthropic.claude-haiku-4-5-20251001-v1:0\":{\"inputPer1k\":0.001,\"outputPer1k\":0.005,"
                        + "\"cacheReadPer1k\":0.0001,\"cacheWritePer1k\":0.00125}}",
                "MODEL_PRICES_TAKEN_ON",
                "2026-12-01"));

        ModelPrices prices = config.modelPrices();
        assertThat(prices.takenOn()).hasValue("2026-12-01");
        assertThat(prices.byModel().keySet())
                .containsExactly("amazon.nova-lite-v1:0", "global.anthropic.claude-haiku-4-5-20251001-v1:0");
        assertThat(prices.byModel().get("amazon.nova-lite-v1:0"))
                .isEqualTo(new ModelPrices.Price(
                        new BigDecimal("0.00006"), new BigDecimal("0.00024"), new BigDecimal("0.000015"), null));
        assertThat(prices.byModel()
                        .get("global.anthropic.claude-haiku-4-5-20251001-v1:0")
                        .cacheWritePer1k())
                .isEqualTo(new BigDecimal("0.00125"));
    }

    @Test
    void withoutPricesOrQuotasNothingIsPricedOrLimited() {
        Config config = config(Map.of());
        assertThat(config.modelPrices().byModel()).isEmpty();
        assertThat(config.modelPrices().takenOn()).isEmpty();
        assertThat(config.quota().limited()).isFalse();
    }

    @Test
    void theQuotasAreAWholeNumberOfTokensAndAPositiveDollarAmount() {
        Config config = config(Map.of("USER_DAILY_TOKEN_QUOTA", "200000", "USER_DAILY_USD_QUOTA", "0.50"));
        assertThat(config.quota().tokens()).hasValue(200000);
        assertThat(config.quota().usd()).hasValue(new BigDecimal("0.50"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"a":                                           | MODEL_PRICES is not valid JSON (
            [1,2]                                           | MODEL_PRICES must be a JSON object {"<model id>":{"inputPer1k":<USD>,"outputPer1k":<USD>,"cacheReadPer1k"?:<USD>,"cacheWritePer1k"?:<USD>}}
            {"m":1}                                         | MODEL_PRICES: the price of m must be an object
            {"m":{"inputPer1k":0.1}}                        | MODEL_PRICES: m has no outputPer1k: give its US dollars per 1,000 tokens
            {"m":{"inputPer1k":-1,"outputPer1k":1}}         | MODEL_PRICES: inputPer1k of m must be a number of US dollars per 1,000 tokens, 0 or more, not -1
            {"m":{"inputPer1k":"0.1","outputPer1k":1}}      | MODEL_PRICES: inputPer1k of m must be a number
            {"m":{"inputPer1k":1,"outputPer1k":1,"x":1}}    | MODEL_PRICES: m has the unknown field 'x': use only inputPer1k, outputPer1k, cacheReadPer1k, cacheWritePer1k
            {"m":{"inputPer1k":1,"outputPer1k":1}} trailing | MODEL_PRICES is not valid JSON (
            """)
    void aPriceTableThatIsNotTheDocumentedJsonStopsTheStart(String value, String message) {
        assertThatThrownBy(() -> config(Map.of("MODEL_PRICES", value)))
                .isInstanceOf(Config.ConfigException.class)
                .hasMessageStartingWith(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            USER_DAILY_TOKEN_QUOTA | 0    | USER_DAILY_TOKEN_QUOTA must be a whole number from 1 to 1000000000000, not '0'
            USER_DAILY_TOKEN_QUOTA | 1.5  | USER_DAILY_TOKEN_QUOTA must be a whole number from 1 to 1000000000000, not '1.5'
            USER_DAILY_USD_QUOTA   | 0    | USER_DAILY_USD_QUOTA must be a positive number of US dollars such as 0.50, not '0'
            USER_DAILY_USD_QUOTA   | five | USER_DAILY_USD_QUOTA must be a positive number of US dollars such as 0.50, not 'five'
            """)
    void aQuotaThatIsNotALimitStopsTheStart(String variable, String value, String message) {
        assertThatThrownBy(() -> config(Map.of(variable, value)))
                .isInstanceOf(Config.ConfigException.class)
                .hasMessage(message);
    }
}
