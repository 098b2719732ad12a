package dev.bedrockchat.function.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.chat.RequestMeasurement;
import dev.bedrockchat.function.chat.Usage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Each request's line is CloudWatch Embedded Metric Format: parsed back as JSON, every directive, dimension set,
 * metric, unit and value is as documented, and nothing names a person.
 */
class EmfRequestMetricsTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:15:30.123Z");
    private final ObjectMapper mapper = new ObjectMapper();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final EmfRequestMetrics metrics = new EmfRequestMetrics(
            new PrintStream(buffer, true, StandardCharsets.UTF_8), mapper, "prod", Clock.fixed(NOW, ZoneOffset.UTC));

    private JsonNode onlyLine() throws Exception {
        String[] lines = buffer.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(1);
        return mapper.readTree(lines[0]);
    }

    /** {@code "Name:Unit"} of each metric of a directive, in order. */
    private static List<String> metricsOf(JsonNode directive) {
        var names = new ArrayList<String>();
        directive
                .path("Metrics")
                .forEach(m ->
                        names.add(m.path("Name").asText() + ":" + m.path("Unit").asText()));
        return names;
    }

    @Test
    void anAnsweredStreamedRequestHasEveryMetricWithItsUnitUnderEnvironmentAndModel() throws Exception {
        metrics.record(new RequestMeasurement(
                "req-00000001",
                "chat",
                "us.anthropic.claude-haiku-4-5-20251001-v1:0",
                Optional.empty(),
                Optional.of(new Usage(1200, 340, 5000, 800)),
                Optional.of(180L),
                2450,
                Optional.of(new BigDecimal("0.004420")),
                false,
                false));

        JsonNode line = onlyLine();
        JsonNode aws = line.path("_aws");
        assertThat(aws.path("Timestamp").asLong()).isEqualTo(NOW.toEpochMilli());
        assertThat(aws.path("CloudWatchMetrics")).hasSize(1);
        JsonNode directive = aws.path("CloudWatchMetrics").get(0);
        assertThat(directive.path("Namespace").asText()).isEqualTo("BedrockChat/prod");
        assertThat(directive.path("Dimensions").toString()).isEqualTo("[[\"Environment\",\"Model\"]]");
        assertThat(metricsOf(directive))
                .containsExactly(
                        "Requests:Count",
                        "Errors:Count",
                        "LatencyMs:Milliseconds",
                        "QuotaRejections:Count",
                        "UsageStoreErrors:Count",
                        "InputTokens:Count",
                        "OutputTokens:Count",
                        "CacheReadTokens:Count",
                        "CacheWriteTokens:Count",
                        "TimeToFirstTokenMs:Milliseconds",
                        "EstimatedCostUsd:None");
        var fields = new ArrayList<String>();
        line.fieldNames().forEachRemaining(fields::add);
        assertThat(fields)
                .containsExactly(
                        "_aws",
                        "Environment",
                        "Model",
                        "Api",
                        "requestId",
                        "Requests",
                        "Errors",
                        "LatencyMs",
                        "QuotaRejections",
                        "UsageStoreErrors",
                        "InputTokens",
                        "OutputTokens",
                        "CacheReadTokens",
                        "CacheWriteTokens",
                        "TimeToFirstTokenMs",
                        "EstimatedCostUsd");
        assertThat(line.path("Environment").asText()).isEqualTo("prod");
        assertThat(line.path("Model").asText()).isEqualTo("us.anthropic.claude-haiku-4-5-20251001-v1:0");
        assertThat(line.path("Api").asText()).isEqualTo("chat");
        assertThat(line.path("requestId").asText()).isEqualTo("req-00000001");
        assertThat(line.path("Requests").asInt()).isEqualTo(1);
        assertThat(line.path("Errors").asInt()).isZero();
        assertThat(line.path("LatencyMs").asLong()).isEqualTo(2450);
        assertThat(line.path("QuotaRejections").asInt()).isZero();
        assertThat(line.path("UsageStoreErrors").asInt()).isZero();
        assertThat(line.path("InputTokens").asInt()).isEqualTo(1200);
        assertThat(line.path("OutputTokens").asInt()).isEqualTo(340);
        assertThat(line.path("CacheReadTokens").asInt()).isEqualTo(5000);
        assertThat(line.path("CacheWriteTokens").asInt()).isEqualTo(800);
        assertThat(line.path("TimeToFirstTokenMs").asLong()).isEqualTo(180);
        assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("\"EstimatedCostUsd\":0.004420");
        // Every metric a directive names has its value in the line, as EMF requires.
        directive
                .path("Metrics")
                .forEach(m -> assertThat(line.path(m.path("Name").asText()).isNumber())
                        .as(m.toString())
                        .isTrue());
    }

    @Test
    void aFailedRequestAddsErrorsByErrorCodeAndLeavesOutWhatWasNotMeasured() throws Exception {
        metrics.record(new RequestMeasurement(
                "req-00000002",
                "openai",
                "amazon.nova-lite-v1:0",
                Optional.of("QuotaExceeded"),
                Optional.empty(),
                Optional.empty(),
                12,
                Optional.empty(),
                true,
                true));

        JsonNode line = onlyLine();
        JsonNode directives = line.path("_aws").path("CloudWatchMetrics");
        assertThat(directives).hasSize(2);
        assertThat(metricsOf(directives.get(0)))
                .containsExactly(
                        "Requests:Count",
                        "Errors:Count",
                        "LatencyMs:Milliseconds",
                        "QuotaRejections:Count",
                        "UsageStoreErrors:Count");
        JsonNode byCode = directives.get(1);
        assertThat(byCode.path("Namespace").asText()).isEqualTo("BedrockChat/prod");
        assertThat(byCode.path("Dimensions").toString()).isEqualTo("[[\"Environment\",\"Model\",\"ErrorCode\"]]");
        assertThat(metricsOf(byCode)).containsExactly("Errors:Count");
        assertThat(line.path("ErrorCode").asText()).isEqualTo("QuotaExceeded");
        assertThat(line.path("Api").asText()).isEqualTo("openai");
        assertThat(line.path("Errors").asInt()).isEqualTo(1);
        assertThat(line.path("QuotaRejections").asInt()).isEqualTo(1);
        assertThat(line.path("UsageStoreErrors").asInt()).isEqualTo(1);
        assertThat(line.has("InputTokens")).isFalse();
        assertThat(line.has("TimeToFirstTokenMs")).isFalse();
        assertThat(line.has("EstimatedCostUsd")).isFalse();
    }

    @Test
    void cacheTokensAppearOnlyWhenTheModelReportsThem() throws Exception {
        metrics.record(new RequestMeasurement(
                "req-00000003",
                "chat",
                "amazon.nova-lite-v1:0",
                Optional.empty(),
                Optional.of(new Usage(10, 20)),
                Optional.empty(),
                30,
                Optional.of(new BigDecimal("0.000005")),
                false,
                false));

        JsonNode line = onlyLine();
        assertThat(metricsOf(line.path("_aws").path("CloudWatchMetrics").get(0)))
                .doesNotContain("CacheReadTokens:Count", "CacheWriteTokens:Count")
                .contains("InputTokens:Count", "OutputTokens:Count", "EstimatedCostUsd:None");
        assertThat(line.has("CacheReadTokens")).isFalse();
        assertThat(line.has("CacheWriteTokens")).isFalse();
    }
}
