package dev.bedrockchat.function.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The cost of an answer per model: every term of the formula, the rounding, and which entry a model takes. */
class ModelPricesTest {
    private static ModelPrices.Price price(String in, String out, String read, String write) {
        return new ModelPrices.Price(
                new BigDecimal(in),
                new BigDecimal(out),
                read == null ? null : new BigDecimal(read),
                write == null ? null : new BigDecimal(write));
    }

    private static final ModelPrices TABLE = new ModelPrices(
            new LinkedHashMap<>(Map.of(
                    "amazon.nova-lite-v1:0", price("0.00006", "0.00024", "0.000015", null),
                    "global.anthropic.claude-haiku-4-5-20251001-v1:0", price("0.001", "0.005", "0.0001", "0.00125"),
                    "us.anthropic.claude-haiku-4-5-20251001-v1:0", price("0.0011", "0.0055", "0.00011", "0.001375"))),
            Optional.of("2026-12-01"));

    @Test
    void inputAndOutputTokensAtTheirPricePer1000() {
        assertThat(TABLE.cost("amazon.nova-lite-v1:0", new Usage(1000, 500)))
                .hasValue(new BigDecimal("0.000180")); // 0.00006 + 0.00012
    }

    @Test
    void cacheReadsAndWritesCountAtTheirOwnPrices() {
        // 1200 × 0.001 + 340 × 0.005 + 5000 × 0.0001 + 800 × 0.00125 (per 1,000) = 0.0012 + 0.0017 + 0.0005 + 0.001
        assertThat(TABLE.cost("global.anthropic.claude-haiku-4-5-20251001-v1:0", new Usage(1200, 340, 5000, 800)))
                .hasValue(new BigDecimal("0.004400"));
        // The geographic profile has its own, 10 % higher, entry.
        assertThat(TABLE.cost("us.anthropic.claude-haiku-4-5-20251001-v1:0", new Usage(1200, 340, 5000, 800)))
                .hasValue(new BigDecimal("0.004840"));
    }

    @Test
    void cacheTokensWithoutAPriceOfTheirOwnCostNothing() {
        // Nova lists no cache-write price: 2000 reads × 0.000015 count, 400 writes do not.
        assertThat(TABLE.cost("amazon.nova-lite-v1:0", new Usage(0, 0, 2000, 400)))
                .hasValue(new BigDecimal("0.000030"));
    }

    @Test
    void costsAreRoundedHalfUpToSixDecimals() {
        // 7 × 0.00006 / 1000 = 0.00000042 → 0.000000; 9 input + 1 output = 0.00000054 + 0.00000024 = 0.00000078
        assertThat(TABLE.cost("amazon.nova-lite-v1:0", new Usage(7, 0))).hasValue(new BigDecimal("0.000000"));
        assertThat(TABLE.cost("amazon.nova-lite-v1:0", new Usage(9, 1))).hasValue(new BigDecimal("0.000001"));
        // Exactly half a millionth rounds up: 25 output tokens × 0.00002 = 0.0000005.
        var half = new ModelPrices(Map.of("m", price("0", "0.00002", null, null)), Optional.empty());
        assertThat(half.cost("m", new Usage(0, 25))).hasValue(new BigDecimal("0.000001"));
        assertThat(TABLE.cost("amazon.nova-lite-v1:0", new Usage(1000, 500))
                        .orElseThrow()
                        .scale())
                .isEqualTo(ModelPrices.SCALE);
    }

    @Test
    void aCrossRegionProfileWithoutAnEntryTakesItsFoundationModelsPrice() {
        assertThat(TABLE.of("us.amazon.nova-lite-v1:0")).isEqualTo(TABLE.of("amazon.nova-lite-v1:0"));
        assertThat(TABLE.of("eu.amazon.nova-lite-v1:0")).isPresent();
    }

    @Test
    void aModelWithoutAPriceHasNoCost() {
        assertThat(TABLE.cost("amazon.nova-pro-v1:0", new Usage(1000, 1000))).isEmpty();
        assertThat(TABLE.of("xx.amazon.nova-lite-v1:0")).isEmpty();
        assertThat(ModelPrices.NONE.cost("amazon.nova-lite-v1:0", new Usage(1, 1)))
                .isEmpty();
    }

    @Test
    void theEstimateForAnAnswerCutShortIsFourCharactersPerToken() {
        assertThat(Usage.estimate(10, 0)).isEqualTo(new Usage(3, 0));
        assertThat(Usage.estimate(8, 1)).isEqualTo(new Usage(2, 1));
        assertThat(Usage.estimate(0, 0).nothingCounted()).isTrue();
    }
}
