package dev.bedrockchat.infra.observability;

import dev.bedrockchat.infra.support.Ordered;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.AlarmStatusWidget;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TextWidget;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.constructs.Construct;

/**
 * The {@code chat-<env>} dashboard and the alarms that e-mail the operators through an encrypted SNS topic.
 *
 * <p>The dashboard shows, first, what the function reports of each chat request ({@link ChatMetrics}): the estimated
 * spend today and this month, tokens, requests, errors by code, time to first token and quota rejections; then the
 * function, the API and Bedrock's own metrics per allowed model.
 */
public final class Observability extends Construct {
    /** The Bedrock runtime metrics shown per model, as CloudWatch names them in namespace AWS/Bedrock. */
    public static final List<String> BEDROCK_METRICS = List.of(
            "Invocations",
            "InvocationLatency",
            "TimeToFirstToken",
            "InputTokenCount",
            "OutputTokenCount",
            "InvocationThrottles",
            "InvocationClientErrors",
            "InvocationServerErrors");
    /** An alarm on latency fires when p99 reaches this share of the integration timeout. */
    public static final double LATENCY_ALARM_SHARE_OF_TIMEOUT = 0.8;

    private static final Duration PERIOD = Duration.minutes(5);
    private static final int WIDTH = 24;

    private final Topic alarmTopic;
    private final String dashboardName;
    private final List<Alarm> alarms = new ArrayList<>();

    /**
     * @param environmentName     the environment: in the dashboard's name and titles
     * @param allowedModelIds     the models shown on the dashboard
     * @param alarmEmail          who the alarms mail
     * @param requestLimitSeconds how long API Gateway waits for the function: the latency alarm's reference
     * @param keyRemovalPolicy    what happens to the alarm topic's key when the stack is deleted
     * @param function            the chat function
     * @param api                 the chat API
     * @param pricesTakenOn       the day of the prices the function estimates spend with, shown on the dashboard
     */
    public record Props(
            String environmentName,
            List<String> allowedModelIds,
            String alarmEmail,
            int requestLimitSeconds,
            RemovalPolicy keyRemovalPolicy,
            Function function,
            RestApi api,
            String pricesTakenOn) {
        public Props {
            allowedModelIds = List.copyOf(allowedModelIds);
        }
    }

    public Observability(Construct scope, String id, Props props) {
        super(scope, id);
        String name = props.environmentName();
        List<String> models = props.allowedModelIds();
        Function function = props.function();
        RestApi api = props.api();
        Stack stack = Stack.of(this);

        // CloudWatch can only publish to an encrypted topic whose customer-managed key lets it (AWS-managed keys
        // cannot), so the topic has its own key.
        Key topicKey = Key.Builder.create(this, "AlarmTopicKey")
                .description("Encrypts the chat (" + name + ") alarm topic")
                .enableKeyRotation(true)
                .removalPolicy(props.keyRemovalPolicy())
                .pendingWindow(Duration.days(7))
                .build();
        topicKey.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("CloudWatchAlarmsPublish")
                .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
                .actions(List.of("kms:Decrypt", "kms:GenerateDataKey*"))
                .resources(List.of("*"))
                .conditions(Ordered.map("StringEquals", Ordered.map("aws:SourceAccount", stack.getAccount())))
                .build());
        alarmTopic = Topic.Builder.create(this, "AlarmTopic")
                .displayName("Chat " + name + " alarms")
                .masterKey(topicKey)
                .enforceSsl(true)
                .build();
        // enforceSsl gives the topic a resource policy, which then has to let CloudWatch publish this account's
        // alarms explicitly.
        alarmTopic.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("CloudWatchAlarmsPublish")
                .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
                .actions(List.of("sns:Publish"))
                .resources(List.of(alarmTopic.getTopicArn()))
                .conditions(Ordered.map(
                        "ArnLike",
                        Ordered.map(
                                "aws:SourceArn",
                                stack.formatArn(ArnComponents.builder()
                                        .service("cloudwatch")
                                        .resource("alarm")
                                        .resourceName("*")
                                        .arnFormat(ArnFormat.COLON_RESOURCE_NAME)
                                        .build())),
                        "StringEquals",
                        Ordered.map("aws:SourceAccount", stack.getAccount())))
                .build());
        alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail()));

        Metric errors = function.metricErrors(sum());
        Metric throttles = function.metricThrottles(sum());
        Metric serverErrors = api.metricServerError(sum());
        Metric latencyP99 = api.metricLatency(stat("p99"));
        double latencyThresholdMs = props.requestLimitSeconds() * 1000.0 * LATENCY_ALARM_SHARE_OF_TIMEOUT;
        alarm("FunctionErrors", errors, 1, "The chat function failed at least once in 5 minutes");
        alarm(
                "FunctionThrottles",
                throttles,
                1,
                "The chat function was throttled: it reached its reserved concurrency");
        alarm("Api5xx", serverErrors, 1, "The chat API answered 5xx at least once in 5 minutes");
        alarm(
                "ApiLatencyP99",
                latencyP99,
                latencyThresholdMs,
                "p99 API latency reached " + Math.round(LATENCY_ALARM_SHARE_OF_TIMEOUT * 100)
                        + "% of the integration timeout: answers are about to be cut off");
        ChatMetrics chat = new ChatMetrics(name, models);
        alarm(
                "InternalErrors",
                chat.internalErrors(),
                1,
                "The function answered 500 InternalError at least once in 5 minutes (its own failure, not the"
                        + " model's): see its request lines with errorCode InternalError");

        List<IWidget> graphs = new ArrayList<>();
        graphs.add(
                graph("Lambda invocations, errors, throttles", function.metricInvocations(sum()), errors, throttles));
        graphs.add(graph(
                "Lambda duration (ms)", function.metricDuration(stat("p50")), function.metricDuration(stat("p99"))));
        graphs.add(graph("Lambda concurrent executions", function.metric("ConcurrentExecutions", stat("Maximum"))));
        graphs.add(
                graph("API requests and errors", api.metricCount(sum()), api.metricClientError(sum()), serverErrors));
        graphs.add(graph(
                "API latency (ms)",
                api.metricLatency(stat("p50")),
                latencyP99,
                api.metricIntegrationLatency(stat("p99"))));
        for (String metricName : BEDROCK_METRICS) {
            graphs.add(graph("Bedrock " + metricName, bedrockMetrics(metricName, models)));
        }
        List<List<IWidget>> rows = new ArrayList<>();
        rows.add(List.of(TextWidget.Builder.create()
                .markdown("# Chat " + name + "\nFunction, API and Bedrock models (" + String.join(", ", models) + ")")
                .width(WIDTH)
                .height(2)
                .build()));
        rows.add(List.of(AlarmStatusWidget.Builder.create()
                .title("Alarms")
                .alarms(List.copyOf(alarms))
                .width(WIDTH)
                .height(3)
                .build()));
        rows.add(List.of(TextWidget.Builder.create()
                .markdown("## Cost and usage\nEstimated by the function from each answer's tokens and the prices of "
                        + props.pricesTakenOn() + " (cdk.json, modelPrices), namespace "
                        + ChatMetrics.namespace(name)
                        + "; days and months in UTC, to the hour. The bill itself is AWS Budgets' (the Cost stack).")
                .width(WIDTH)
                .height(2)
                .build()));
        rows.add(List.of(chat.spendToday(WIDTH / 2), chat.spendThisMonth(WIDTH / 2)));
        List<IWidget> usage = chat.usageGraphs(WIDTH / 2);
        for (int i = 0; i < usage.size(); i += 2) {
            rows.add(usage.subList(i, Math.min(i + 2, usage.size())));
        }
        for (int i = 0; i < graphs.size(); i += 2) {
            rows.add(graphs.subList(i, Math.min(i + 2, graphs.size())));
        }
        dashboardName = "chat-" + name;
        Dashboard.Builder.create(this, "Dashboard")
                .dashboardName(dashboardName)
                .widgets(rows)
                .build();
    }

    private static IMetric[] bedrockMetrics(String metricName, List<String> modelIds) {
        String statistic = switch (metricName) {
            case "InvocationLatency", "TimeToFirstToken" -> "p90";
            default -> "Sum";
        };
        return modelIds.stream()
                .map(modelId -> Metric.Builder.create()
                        .namespace("AWS/Bedrock")
                        .metricName(metricName)
                        .dimensionsMap(Ordered.map("ModelId", modelId))
                        .statistic(statistic)
                        .period(PERIOD)
                        .label(modelId)
                        .build())
                .toArray(IMetric[]::new);
    }

    private void alarm(String id, IMetric metric, double threshold, String description) {
        Alarm alarm = Alarm.Builder.create(this, id)
                .alarmDescription(description)
                .metric(metric)
                .threshold(threshold)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .evaluationPeriods(1)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        SnsAction notify = new SnsAction(alarmTopic);
        alarm.addAlarmAction(notify);
        alarm.addOkAction(notify);
        alarms.add(alarm);
    }

    private static GraphWidget graph(String title, IMetric... metrics) {
        return GraphWidget.Builder.create()
                .title(title)
                .left(List.of(metrics))
                .width(WIDTH / 2)
                .height(6)
                .build();
    }

    private static MetricOptions sum() {
        return stat("Sum");
    }

    private static MetricOptions stat(String statistic) {
        return MetricOptions.builder().statistic(statistic).period(PERIOD).build();
    }

    /** The dashboard in the CloudWatch console. */
    public String dashboardUrl(String region) {
        return "https://" + region + ".console.aws.amazon.com/cloudwatch/home?region=" + region + "#dashboards:name="
                + dashboardName;
    }
}
