package dev.bedrockchat.infra.observability;

import dev.bedrockchat.infra.support.Ordered;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.SingleValueWidget;

/**
 * What the function reports of each chat request in CloudWatch Embedded Metric Format, as metrics and dashboard
 * widgets: namespace {@code BedrockChat/<env>}, dimensions {@code Environment} and {@code Model} (and
 * {@code ErrorCode} for {@code Errors}), never a per-person dimension.
 *
 * <p>Spend today and this month are metric math over the hourly sums of {@code EstimatedCostUsd} in a widget that
 * looks back {@value #SPEND_WINDOW} (the longest month so far): CloudWatch has no time range "since midnight" or
 * "since the first of the month", so each expression keeps the hours that began today (UTC) or this month (UTC) and
 * adds them up with {@code RUNNING_SUM}, whose latest value is what the widget shows. The day and the month of an hour
 * are those of the hour's start; {@code TIME_SERIES(0)} gives the time of the latest hour even when no request was
 * made in it. Metric ids are unique per widget ({@code cost0}, {@code cost1}, …, {@code costall}).
 */
public final class ChatMetrics {
    /** The function's own metrics: {@code BedrockChat/<env>}. */
    public static final String NAMESPACE_PREFIX = "BedrockChat/";
    /** How far back the spend widgets look: the whole month so far, on any day of any month. */
    public static final String SPEND_WINDOW = "-P31D";
    /** The error code of the function's own failures, which the InternalErrors alarm counts. */
    public static final String INTERNAL_ERROR = "InternalError";

    private static final Duration PERIOD = Duration.minutes(5);
    private static final Duration HOUR = Duration.hours(1);
    private static final Duration DAY = Duration.days(1);
    private static final int GRAPH_HEIGHT = 6;
    /** The latest hour of the widget's time range, in seconds since the epoch. */
    private static final String LATEST_HOUR = "MAX(EPOCH(TIME_SERIES(0)))";
    /** Keeps the hours that began today (UTC); {@code %s} is the hourly series. */
    private static final String TODAY = "EPOCH(%s) >= FLOOR(" + LATEST_HOUR + " / 86400) * 86400";
    /** Keeps the hours that began this month (UTC), within {@value #SPEND_WINDOW}; {@code %s} is the hourly series. */
    private static final String THIS_MONTH =
            "MONTH(%s) == MAX(IF(EPOCH(TIME_SERIES(0)) == " + LATEST_HOUR + ", MONTH(TIME_SERIES(0)), 0))";

    private final String environmentName;
    private final List<String> models;

    /**
     * @param environmentName the environment: the namespace and the {@code Environment} dimension
     * @param models          the allowed models, one line each
     */
    public ChatMetrics(String environmentName, List<String> models) {
        this.environmentName = environmentName;
        this.models = List.copyOf(models);
    }

    /** The function's metric namespace of {@code environmentName}: {@code BedrockChat/<env>}. */
    public static String namespace(String environmentName) {
        return NAMESPACE_PREFIX + environmentName;
    }

    /** The estimated spend since midnight UTC, per model and in all. */
    public SingleValueWidget spendToday(int width) {
        return spend("Estimated spend today, UTC (USD)", TODAY, width);
    }

    /** The estimated spend since the first of the month UTC, per model and in all. */
    public SingleValueWidget spendThisMonth(int width) {
        return spend("Estimated spend this month, UTC (USD)", THIS_MONTH, width);
    }

    /**
     * The spend per day, requests, tokens, errors by code, time to first token and quota rejections, in this
     * order.
     */
    public List<IWidget> usageGraphs(int width) {
        List<IWidget> graphs = new ArrayList<>();
        graphs.add(graph(
                "Estimated spend per day (USD)",
                DAY,
                true,
                width,
                perModel(model -> metric("EstimatedCostUsd", model, "Sum", DAY, model))));
        graphs.add(graph("Requests per model", PERIOD, false, width, perModel(model -> sum("Requests", model, model))));
        graphs.add(graph(
                "Input tokens per model", PERIOD, false, width, perModel(model -> sum("InputTokens", model, model))));
        graphs.add(graph(
                "Output tokens per model", PERIOD, false, width, perModel(model -> sum("OutputTokens", model, model))));
        List<IMetric> cache = new ArrayList<>();
        List<IMetric> firstToken = new ArrayList<>();
        for (String model : models) {
            cache.add(sum("CacheReadTokens", model, model + " read"));
            cache.add(sum("CacheWriteTokens", model, model + " write"));
            firstToken.add(metric("TimeToFirstTokenMs", model, "p50", PERIOD, model + " p50"));
            firstToken.add(metric("TimeToFirstTokenMs", model, "p99", PERIOD, model + " p99"));
        }
        graphs.add(graph("Prompt cache tokens per model", PERIOD, false, width, cache.toArray(IMetric[]::new)));
        graphs.add(graph(
                "Errors by code and model",
                PERIOD,
                false,
                width,
                MathExpression.Builder.create()
                        .expression(search("Errors", true, "Sum", PERIOD))
                        .label("")
                        .period(PERIOD)
                        .build()));
        graphs.add(graph("Time to first token (ms)", PERIOD, false, width, firstToken.toArray(IMetric[]::new)));
        graphs.add(graph(
                "Quota rejections (429 QuotaExceeded)",
                PERIOD,
                false,
                width,
                perModel(model -> sum("QuotaRejections", model, model))));
        return List.copyOf(graphs);
    }

    /** {@code Errors} with ErrorCode {@value #INTERNAL_ERROR}, over every allowed model, per 5 minutes. */
    public IMetric internalErrors() {
        Map<String, IMetric> byModel = new LinkedHashMap<>();
        for (int i = 0; i < models.size(); i++) {
            byModel.put(
                    "internal" + i,
                    Metric.Builder.create()
                            .namespace(namespace(environmentName))
                            .metricName("Errors")
                            .dimensionsMap(Ordered.map(
                                    "Environment", environmentName,
                                    "Model", models.get(i),
                                    "ErrorCode", INTERNAL_ERROR))
                            .statistic("Sum")
                            .period(PERIOD)
                            .build());
        }
        return MathExpression.Builder.create()
                .expression(byModel.keySet().stream()
                        .map(id -> "FILL(" + id + ", 0)")
                        .collect(Collectors.joining(" + ")))
                .usingMetrics(byModel)
                .period(PERIOD)
                .label("InternalError answers")
                .build();
    }

    /**
     * Spend per model and in all (every model that reported, also one no longer allowed) over the hours that pass
     * {@code hourFilter}, added up to now.
     */
    private SingleValueWidget spend(String title, String hourFilter, int width) {
        List<IMetric> values = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            values.add(runningSum(
                    "cost" + i,
                    metric("EstimatedCostUsd", models.get(i), "Sum", HOUR, models.get(i)),
                    hourFilter,
                    models.get(i)));
        }
        values.add(runningSum(
                "costall",
                MathExpression.Builder.create()
                        .expression("SUM(" + search("EstimatedCostUsd", false, "Sum", HOUR) + ")")
                        .period(HOUR)
                        .build(),
                hourFilter,
                "All models"));
        return SingleValueWidget.Builder.create()
                .title(title)
                .metrics(values)
                .start(SPEND_WINDOW)
                .period(HOUR)
                .fullPrecision(true)
                .width(width)
                .height(4)
                .build();
    }

    private static MathExpression runningSum(String id, IMetric hourly, String hourFilter, String label) {
        return MathExpression.Builder.create()
                .expression("RUNNING_SUM(IF(" + hourFilter.formatted(id) + ", " + id + ", 0))")
                .usingMetrics(Ordered.map(id, hourly))
                .period(HOUR)
                .label(label)
                .build();
    }

    /** A SEARCH of {@code metricName} in this environment, by model (and by error code). */
    private String search(String metricName, boolean byErrorCode, String statistic, Duration period) {
        String schema =
                "{" + namespace(environmentName) + ",Environment," + (byErrorCode ? "ErrorCode," : "") + "Model}";
        return "SEARCH('" + schema + " MetricName=\"" + metricName + "\" Environment=\"" + environmentName + "\"', '"
                + statistic + "', " + period.toSeconds().intValue() + ")";
    }

    private Metric sum(String metricName, String model, String label) {
        return metric(metricName, model, "Sum", PERIOD, label);
    }

    private Metric metric(String metricName, String model, String statistic, Duration period, String label) {
        return Metric.Builder.create()
                .namespace(namespace(environmentName))
                .metricName(metricName)
                .dimensionsMap(Ordered.map("Environment", environmentName, "Model", model))
                .statistic(statistic)
                .period(period)
                .label(label)
                .build();
    }

    private IMetric[] perModel(Function<String, IMetric> metric) {
        return models.stream().map(metric).toArray(IMetric[]::new);
    }

    /** A graph of {@code period}; a daily one looks back {@value #SPEND_WINDOW}. */
    private static GraphWidget graph(String title, Duration period, boolean stacked, int width, IMetric... metrics) {
        GraphWidget.Builder graph = GraphWidget.Builder.create()
                .title(title)
                .left(List.of(metrics))
                .period(period)
                .stacked(stacked)
                .width(width)
                .height(GRAPH_HEIGHT);
        if (period.toSeconds().intValue() >= DAY.toSeconds().intValue()) {
            graph.start(SPEND_WINDOW);
        }
        return graph.build();
    }
}
