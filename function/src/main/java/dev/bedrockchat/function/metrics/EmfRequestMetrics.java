package dev.bedrockchat.function.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bedrockchat.function.chat.RequestMeasurement;
import dev.bedrockchat.function.chat.RequestMetrics;
import dev.bedrockchat.function.chat.Usage;
import java.io.PrintStream;
import java.time.Clock;

/**
 * The chat's metrics as CloudWatch Embedded Metric Format: one JSON line per request on stdout, which CloudWatch Logs
 * turns into metrics of the namespace {@code BedrockChat/<environment>} without any API call.
 *
 * <pre>{@code
 * {"_aws":{"Timestamp":<epoch ms>,"CloudWatchMetrics":[
 *    {"Namespace":"BedrockChat/dev","Dimensions":[["Environment","Model"]],"Metrics":[{"Name":"Requests","Unit":"Count"},…]},
 *    {"Namespace":"BedrockChat/dev","Dimensions":[["Environment","Model","ErrorCode"]],"Metrics":[{"Name":"Errors","Unit":"Count"}]}]},
 *  "Environment":"dev","Model":"amazon.nova-lite-v1:0","ErrorCode":"ModelError","Api":"chat","requestId":"…",
 *  "Requests":1,"Errors":1,"InputTokens":12,…}
 * }</pre>
 *
 * <p>Every request has {@code Requests} and {@code Errors} (0 or 1), {@code LatencyMs}, {@code QuotaRejections} and
 * {@code UsageStoreErrors} (0 or 1) under {@code [Environment, Model]}; an answer adds its tokens
 * ({@code CacheReadTokens}/{@code CacheWriteTokens} only when the model reported them), {@code EstimatedCostUsd}
 * (when its model has a price) and, streamed, {@code TimeToFirstTokenMs}. A failed request adds the second directive:
 * {@code Errors} under {@code [Environment, Model, ErrorCode]}. {@code Api} ({@code chat} or {@code openai}) and
 * {@code requestId} are plain properties, not dimensions; nothing names a person (cardinality, and privacy).
 *
 * <p><b>Why written here and not with an EMF library</b>: on the build machine (JDK 25, Lambda's environment
 * variables set so that the libraries choose stdout), writing the first line with Powertools for AWS Lambda (Java)
 * metrics 2.9.0 took 107–219 ms and loaded 586 classes, with {@code aws-embedded-metrics} 4.2.0 108–128 ms and 561
 * classes, against 2 ms and 3 classes for this class with the Jackson the function has loaded anyway (10 fresh JVMs
 * each). Both libraries also add their own dimensions ({@code LogGroup}, {@code ServiceName}, {@code ServiceType})
 * unless configured not to, and outside Lambda {@code aws-embedded-metrics} probes for an EC2 or agent environment
 * (it hung a local run). The format is small and documented
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html),
 * and the tests parse each line.
 */
public final class EmfRequestMetrics implements RequestMetrics {
    /** The namespace of an environment's metrics. */
    public static String namespace(String environment) {
        return "BedrockChat/" + environment;
    }

    private final PrintStream out;
    private final ObjectMapper mapper;
    private final String environment;
    private final Clock clock;

    /** @param environment ENVIRONMENT_NAME: the namespace's suffix and the {@code Environment} dimension */
    public EmfRequestMetrics(PrintStream out, ObjectMapper mapper, String environment, Clock clock) {
        this.out = out;
        this.mapper = mapper;
        this.environment = environment;
        this.clock = clock;
    }

    @Override
    public void record(RequestMeasurement m) {
        try {
            out.println(mapper.writeValueAsString(line(m)));
        } catch (JsonProcessingException | RuntimeException e) {
            // A metric never fails a request.
        }
    }

    /** The EMF document of one request. */
    ObjectNode line(RequestMeasurement m) {
        ObjectNode line = mapper.createObjectNode();
        ObjectNode aws = line.putObject("_aws").put("Timestamp", clock.millis());
        ArrayNode directives = aws.putArray("CloudWatchMetrics");
        ObjectNode main = directive(directives, "Environment", "Model");
        ArrayNode metrics = main.putArray("Metrics");

        line.put("Environment", environment).put("Model", m.modelId());
        m.errorCode().ifPresent(code -> line.put("ErrorCode", code));
        line.put("Api", m.api()).put("requestId", m.requestId());

        metric(line, metrics, "Requests", "Count", 1);
        metric(line, metrics, "Errors", "Count", m.errorCode().isPresent() ? 1 : 0);
        metric(line, metrics, "LatencyMs", "Milliseconds", m.latencyMs());
        metric(line, metrics, "QuotaRejections", "Count", m.quotaRejected() ? 1 : 0);
        metric(line, metrics, "UsageStoreErrors", "Count", m.usageStoreFailed() ? 1 : 0);
        if (m.usage().isPresent()) {
            Usage usage = m.usage().get();
            metric(line, metrics, "InputTokens", "Count", usage.inputTokens());
            metric(line, metrics, "OutputTokens", "Count", usage.outputTokens());
            if (usage.cacheReadTokens() != null) {
                metric(line, metrics, "CacheReadTokens", "Count", usage.cacheReadTokens());
            }
            if (usage.cacheWriteTokens() != null) {
                metric(line, metrics, "CacheWriteTokens", "Count", usage.cacheWriteTokens());
            }
        }
        m.timeToFirstTokenMs().ifPresent(ms -> metric(line, metrics, "TimeToFirstTokenMs", "Milliseconds", ms));
        m.costUsd().ifPresent(cost -> {
            metrics.addObject().put("Name", "EstimatedCostUsd").put("Unit", "None");
            line.put("EstimatedCostUsd", cost);
        });
        if (m.errorCode().isPresent()) {
            ObjectNode byCode = directive(directives, "Environment", "Model", "ErrorCode");
            byCode.putArray("Metrics").addObject().put("Name", "Errors").put("Unit", "Count");
        }
        return line;
    }

    private ObjectNode directive(ArrayNode directives, String... dimensions) {
        ObjectNode directive = directives.addObject().put("Namespace", namespace(environment));
        ArrayNode set = directive.putArray("Dimensions").addArray();
        for (String dimension : dimensions) {
            set.add(dimension);
        }
        return directive;
    }

    private static void metric(ObjectNode line, ArrayNode metrics, String name, String unit, long value) {
        metrics.addObject().put("Name", name).put("Unit", unit);
        line.put(name, value);
    }
}
