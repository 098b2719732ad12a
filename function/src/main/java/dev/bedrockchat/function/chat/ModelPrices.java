package dev.bedrockchat.function.chat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The price table the cost of each answer is estimated with: US dollars per 1,000 tokens for each model (or inference
 * profile) id, as the deployment's configuration gives them (MODEL_PRICES), and the day they were taken.
 *
 * <p>The cost of one answer is {@code input/1000 × inputPer1k + output/1000 × outputPer1k + cacheRead/1000 ×
 * cacheReadPer1k + cacheWrite/1000 × cacheWritePer1k}, rounded to 6 decimals (half up). Cache tokens without a price
 * of their own cost nothing here. A model with no price has no cost (empty), never a guessed one.
 */
public final class ModelPrices {
    /** The scale of every cost: millionths of a US dollar. */
    public static final int SCALE = 6;

    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

    /**
     * What 1,000 tokens of one model cost in US dollars.
     *
     * @param cacheReadPer1k  null where the model has no price for cache reads
     * @param cacheWritePer1k null where the model has no price for cache writes
     */
    public record Price(
            BigDecimal inputPer1k, BigDecimal outputPer1k, BigDecimal cacheReadPer1k, BigDecimal cacheWritePer1k) {
        public Price {
            Objects.requireNonNull(inputPer1k, "inputPer1k");
            Objects.requireNonNull(outputPer1k, "outputPer1k");
        }

        /** The cost of the usage at this price, rounded to {@link #SCALE} decimals. */
        public BigDecimal cost(Usage usage) {
            BigDecimal total = per(usage.inputTokens(), inputPer1k)
                    .add(per(usage.outputTokens(), outputPer1k))
                    .add(per(usage.cacheReadTokens(), cacheReadPer1k))
                    .add(per(usage.cacheWriteTokens(), cacheWritePer1k));
            return total.setScale(SCALE, RoundingMode.HALF_UP);
        }

        private static BigDecimal per(Integer tokens, BigDecimal pricePer1k) {
            if (tokens == null || tokens == 0 || pricePer1k == null) {
                return BigDecimal.ZERO;
            }
            return BigDecimal.valueOf(tokens).multiply(pricePer1k).divide(THOUSAND);
        }
    }

    public static final ModelPrices NONE = new ModelPrices(Map.of(), Optional.empty());

    private final Map<String, Price> byModel;
    private final Optional<String> takenOn;

    /** @param takenOn the day the prices were read (MODEL_PRICES_TAKEN_ON), when known */
    public ModelPrices(Map<String, Price> byModel, Optional<String> takenOn) {
        this.byModel = Collections.unmodifiableMap(new LinkedHashMap<>(byModel));
        this.takenOn = Objects.requireNonNull(takenOn, "takenOn");
    }

    public Map<String, Price> byModel() {
        return byModel;
    }

    public Optional<String> takenOn() {
        return takenOn;
    }

    /**
     * The price of a model: its own entry, else (for a cross-Region inference profile such as
     * {@code us.amazon.nova-lite-v1:0}) the entry of the foundation model it runs on.
     */
    public Optional<Price> of(String modelId) {
        Price own = byModel.get(modelId);
        if (own != null) {
            return Optional.of(own);
        }
        int dot = modelId.indexOf('.');
        String prefix = dot < 0 ? "" : modelId.substring(0, dot);
        boolean profile = switch (prefix) {
            case "us", "eu", "apac", "global", "us-gov", "jp", "au", "ca" -> true;
            default -> false;
        };
        return profile ? Optional.ofNullable(byModel.get(modelId.substring(dot + 1))) : Optional.empty();
    }

    /** The estimated cost of the usage with the model; empty when the model has no price or nothing was counted. */
    public Optional<BigDecimal> cost(String modelId, Usage usage) {
        if (usage == null) {
            return Optional.empty();
        }
        return of(modelId).map(price -> price.cost(usage));
    }
}
