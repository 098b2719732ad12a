package dev.bedrockchat.infra.stacks;

import static dev.bedrockchat.infra.support.Cfn.flatten;
import static dev.bedrockchat.infra.support.Cfn.map;
import static dev.bedrockchat.infra.support.Cfn.only;
import static dev.bedrockchat.infra.support.Cfn.properties;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.infra.ChatApp;
import dev.bedrockchat.infra.config.ConfigException;
import dev.bedrockchat.infra.support.Acknowledgements;
import dev.bedrockchat.infra.support.CdkJson;
import dev.bedrockchat.infra.support.Cfn;
import dev.bedrockchat.infra.support.Synthesized;
import dev.bedrockchat.infra.support.TestArtifacts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Template;

/**
 * Cost under control: the prices and quotas the function gets, the usage counters' storage and lifecycle, the budget
 * guard that stops Bedrock calls when the month's budget is spent, and the dashboard of the function's own metrics.
 */
class CostControlTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PROD_MODELS = List.of(
            "us.amazon.nova-lite-v1:0",
            "us.amazon.nova-pro-v1:0",
            "us.amazon.nova-micro-v1:0",
            "global.anthropic.claude-haiku-4-5-20251001-v1:0");

    @Test
    void theFunctionGetsThePricesOfItsAllowedModelsAndTheDailyQuotas() throws Exception {
        Synthesized prod = Synthesized.environment("prod");
        Map<String, Object> variables = functionVariables(prod.backend());

        // Compact, in the order of models.allowed, each profile priced by its own entry or its model's.
        String prices = (String) variables.get("MODEL_PRICES");
        assertThat(prices).doesNotContain(" ").doesNotContainPattern("\\d[eE][-+]?\\d");
        Map<String, Object> parsed = JSON.readValue(prices, LinkedHashMap.class);
        assertThat(parsed.keySet()).containsExactlyElementsOf(PROD_MODELS);
        assertThat(parsed)
                .containsEntry(
                        "us.amazon.nova-lite-v1:0",
                        Map.of("inputPer1k", 0.00006, "outputPer1k", 0.00024, "cacheReadPer1k", 0.000015))
                .containsEntry(
                        "global.anthropic.claude-haiku-4-5-20251001-v1:0",
                        Map.of(
                                "inputPer1k", 0.001,
                                "outputPer1k", 0.005,
                                "cacheReadPer1k", 0.0001,
                                "cacheWritePer1k", 0.00125));
        // Models no environment of prod allows stay out, whatever the table holds.
        assertThat(prices).doesNotContain("us.anthropic.");
        assertThat(variables)
                .containsEntry("MODEL_PRICES_TAKEN_ON", prod.config().prices().takenOn())
                .containsEntry("USER_DAILY_TOKEN_QUOTA", "2000000")
                .containsEntry("USER_DAILY_USD_QUOTA", "5");

        // Without a quota setting there is no limit and no variable.
        Synthesized unlimited = Synthesized.variant("quota:none", "dev", dev -> dev.remove("quota"));
        assertThat(functionVariables(unlimited.backend()))
                .doesNotContainKeys("USER_DAILY_TOKEN_QUOTA", "USER_DAILY_USD_QUOTA")
                .containsKeys("MODEL_PRICES", "MODEL_PRICES_TAKEN_ON");
    }

    @Test
    @SuppressWarnings("unchecked")
    void anEnvironmentOverLambdasFourKilobytesFailsTheSynthWithOneLine() {
        Map<String, Object> context = CdkJson.context();
        context.putAll(TestArtifacts.context());
        context.put("env", "dev");
        Map<String, Object> dev = (Map<String, Object>) ((Map<String, Object>) context.get("environments")).get("dev");
        // 2,000 quotes: within the prompt's 2,048 characters, twice as many bytes once escaped.
        ((Map<String, Object>) dev.get("function")).put("systemPrompt", "\"".repeat(2000));
        App app = new App(AppProps.builder().context(context).build());

        assertThatThrownBy(() -> ChatApp.build(app, Path.of("").toAbsolutePath()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("the function's environment variables would take up to ")
                .hasMessageContaining(" bytes, more than Lambda's 4096 (SYSTEM_PROMPT 4002, MODEL_PRICES ")
                .hasMessageEndingWith(
                        "): shorten function.systemPrompt or allow fewer models in models.allowed in cdk.json")
                .satisfies(problem -> assertThat(problem.getMessage()).doesNotContain("\n"));
    }

    @Test
    void usageCountersExpireByTheirTagAndApiKeysNever() {
        Template backend = Synthesized.environment("dev").backend();
        Map<String, Object> bucket = properties(only(backend.findResources(
                "AWS::S3::Bucket",
                Map.of("Properties", Map.of("VersioningConfiguration", Map.of("Status", "Enabled"))))));
        List<Map<String, Object>> rules = Cfn.list(
                        map(bucket.get("LifecycleConfiguration")).get("Rules"))
                .stream()
                .map(Cfn::map)
                .toList();

        assertThat(rules)
                .filteredOn(rule -> "usage/".equals(rule.get("Prefix")))
                .containsExactly(Map.of(
                        "Id", "Usage",
                        "Prefix", "usage/",
                        "ExpirationInDays", 400,
                        "Status", "Enabled"));
        // No rule expires keys/ (the whole-bucket rule only removes overwritten versions).
        assertThat(rules)
                .allSatisfy(
                        rule -> assertThat(String.valueOf(rule.get("Prefix"))).doesNotStartWith("keys/"))
                .filteredOn(rule -> !rule.containsKey("Prefix"))
                .singleElement()
                .satisfies(rule -> assertThat(rule).doesNotContainKey("ExpirationInDays"));
    }

    @Test
    void theGuardDeniesBedrockToTheFunctionsRoleWhenTheMonthsBudgetIsSpent() {
        Synthesized prod = Synthesized.environment("prod");
        Template cost = prod.cost();
        String policy = cost.getResourceId("AWS::IAM::ManagedPolicy");
        String role = cost.getResourceId("AWS::IAM::Role");
        String budget = cost.getResourceId("AWS::Budgets::Budget");

        Map<String, Object> action = only(cost.findResources("AWS::Budgets::BudgetsAction"));
        assertThat(action).containsEntry("DependsOn", List.of(budget));
        Map<String, Object> properties = new LinkedHashMap<>(properties(action));
        properties.remove("ResourceTags");
        assertThat(properties)
                .isEqualTo(Map.of(
                        "BudgetName",
                        "chat-prod-monthly",
                        "ActionType",
                        "APPLY_IAM_POLICY",
                        "NotificationType",
                        "ACTUAL",
                        "ActionThreshold",
                        Map.of("Type", "PERCENTAGE", "Value", 100),
                        "ApprovalModel",
                        "AUTOMATIC",
                        "Definition",
                        Map.of(
                                "IamActionDefinition",
                                Map.of("PolicyArn", Map.of("Ref", policy), "Roles", List.of("Chat-Prod-Function"))),
                        "ExecutionRoleArn",
                        Map.of("Fn::GetAtt", List.of(role, "Arn")),
                        "Subscribers",
                        List.of(Map.of("Type", "EMAIL", "Address", prod.config().alarmEmail()))));
        // The role name is the backend's.
        prod.backend()
                .hasResourceProperties(
                        "AWS::IAM::Role",
                        Map.of("RoleName", prod.stacks().cost().functionRoleName()));

        assertThat(properties(only(cost.findResources("AWS::IAM::ManagedPolicy"))))
                .containsEntry("ManagedPolicyName", "Chat-Prod-BudgetGuard")
                .containsEntry(
                        "PolicyDocument",
                        Map.of(
                                "Version",
                                "2012-10-17",
                                "Statement",
                                List.of(Map.of(
                                        "Sid", "BudgetSpent",
                                        "Effect", "Deny",
                                        "Action",
                                                List.of("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"),
                                        "Resource", "*"))));
        cost.hasOutput("BudgetGuardPolicyArn", Map.of("Value", Map.of("Ref", policy)));
    }

    @Test
    void budgetsMayAttachAndDetachExactlyTheDenyPolicyOnExactlyTheFunctionsRole() {
        Synthesized prod = Synthesized.environment("prod");
        // prod names its account in cdk.json, so every ARN and condition names it too.
        String account = prod.config().account().orElseThrow();
        Template cost = prod.cost();
        String policy = cost.getResourceId("AWS::IAM::ManagedPolicy");
        Map<String, Object> role = properties(only(cost.findResources("AWS::IAM::Role")));

        Map<String, Object> trust =
                map(Cfn.list(map(role.get("AssumeRolePolicyDocument")).get("Statement"))
                        .getFirst());
        assertThat(trust)
                .containsEntry("Principal", Map.of("Service", "budgets.amazonaws.com"))
                .containsEntry("Action", "sts:AssumeRole");
        Map<String, Object> conditions = map(trust.get("Condition"));
        assertThat(conditions.keySet()).containsExactly("StringEquals", "ArnLike");
        assertThat(flatten(map(conditions.get("StringEquals")).get("aws:SourceAccount")))
                .isEqualTo(account);
        assertThat(flatten(map(conditions.get("ArnLike")).get("aws:SourceArn")))
                .isEqualTo("arn:aws:budgets::" + account + ":budget/*");

        assertThat(role).doesNotContainKey("ManagedPolicyArns");
        Map<String, Object> inline = map(Cfn.list(role.get("Policies")).getFirst());
        assertThat(Cfn.list(role.get("Policies"))).hasSize(1);
        Map<String, Object> statement =
                map(Cfn.list(map(inline.get("PolicyDocument")).get("Statement")).getFirst());
        assertThat(Cfn.list(map(inline.get("PolicyDocument")).get("Statement"))).hasSize(1);
        assertThat(statement)
                .containsEntry("Effect", "Allow")
                .containsEntry("Action", List.of("iam:AttachRolePolicy", "iam:DetachRolePolicy"))
                .containsEntry("Condition", Map.of("ArnEquals", Map.of("iam:PolicyARN", Map.of("Ref", policy))));
        assertThat(flatten(statement.get("Resource")))
                .isEqualTo("arn:aws:iam::" + account + ":role/Chat-Prod-Function");
        // Nothing else in the cost stack may touch IAM, and cdk-nag finds nothing to acknowledge there.
        cost.resourceCountIs("AWS::IAM::Policy", 0);
        cost.resourceCountIs("AWS::IAM::Role", 1);
        assertThat(Acknowledgements.under(prod.stacks().cost())).isEmpty();
    }

    @Test
    void alertsGuardThresholdAndApprovalFollowTheBudgetSettings() {
        Synthesized app = Synthesized.variant(
                "budget:manual",
                "dev",
                dev -> dev.put(
                        "budget",
                        Map.of(
                                "alerts",
                                List.of(
                                        Map.of("type", "ACTUAL", "percent", 50),
                                        Map.of("type", "FORECASTED", "percent", 90),
                                        Map.of("type", "ACTUAL", "percent", 100)),
                                "actionPercent",
                                120,
                                "approval",
                                "manual")));
        Map<String, Object> budget = properties(only(app.cost().findResources("AWS::Budgets::Budget")));
        List<String> alerts = new ArrayList<>();
        for (Object entry : Cfn.list(budget.get("NotificationsWithSubscribers"))) {
            Map<String, Object> notification = map(map(entry).get("Notification"));
            assertThat(notification)
                    .containsEntry("ComparisonOperator", "GREATER_THAN")
                    .containsEntry("ThresholdType", "PERCENTAGE");
            assertThat(map(entry).get("Subscribers"))
                    .isEqualTo(List.of(Map.of(
                            "SubscriptionType", "EMAIL", "Address", app.config().alarmEmail())));
            alerts.add(notification.get("NotificationType") + " " + notification.get("Threshold"));
        }
        assertThat(alerts).containsExactly("ACTUAL 50", "FORECASTED 90", "ACTUAL 100");

        Map<String, Object> action = properties(only(app.cost().findResources("AWS::Budgets::BudgetsAction")));
        assertThat(action)
                .containsEntry("ApprovalModel", "MANUAL")
                .containsEntry("ActionThreshold", Map.of("Type", "PERCENTAGE", "Value", 120));

        // No alerts at all: the budget has no notifications, the guard still acts.
        Synthesized quiet =
                Synthesized.variant("budget:no-alerts", "dev", dev -> dev.put("budget", Map.of("alerts", List.of())));
        assertThat(properties(only(quiet.cost().findResources("AWS::Budgets::Budget"))))
                .doesNotContainKey("NotificationsWithSubscribers");
        quiet.cost().resourceCountIs("AWS::Budgets::BudgetsAction", 1);
    }

    @Test
    void theDashboardShowsTodaysAndThisMonthsSpendPerModelAndInAll() throws Exception {
        Map<String, JsonNode> widgets = widgets(Synthesized.environment("prod").backend());

        for (String title : List.of("Estimated spend today, UTC (USD)", "Estimated spend this month, UTC (USD)")) {
            JsonNode widget = widgets.get(title).path("properties");
            assertThat(widget.path("view").asText()).as(title).isEqualTo("singleValue");
            assertThat(widget.path("start").asText()).as(title).isEqualTo("-P31D");
            assertThat(widget.path("period").asInt()).as(title).isEqualTo(3600);
            List<JsonNode> expressions = new ArrayList<>();
            List<JsonNode> hourly = new ArrayList<>();
            widget.path("metrics").forEach(line -> (line.get(0).isTextual() ? hourly : expressions).add(line));

            // One hidden hourly sum of EstimatedCostUsd per model, each under its own id.
            assertThat(hourly).hasSize(PROD_MODELS.size());
            for (int i = 0; i < PROD_MODELS.size(); i++) {
                JsonNode line = hourly.get(i);
                assertThat(List.of(
                                line.get(0).asText(),
                                line.get(1).asText(),
                                line.get(2).asText(),
                                line.get(3).asText(),
                                line.get(4).asText(),
                                line.get(5).asText()))
                        .containsExactly(
                                "BedrockChat/prod",
                                "EstimatedCostUsd",
                                "Environment",
                                "prod",
                                "Model",
                                PROD_MODELS.get(i));
                JsonNode options = line.get(6);
                assertThat(options.path("id").asText()).isEqualTo("cost" + i);
                assertThat(options.path("stat").asText()).isEqualTo("Sum");
                assertThat(options.path("period").asInt()).isEqualTo(3600);
                assertThat(options.path("visible").asBoolean(true)).isFalse();
            }
            String filter = title.contains("today")
                    ? "EPOCH(%1$s) >= FLOOR(MAX(EPOCH(TIME_SERIES(0))) / 86400) * 86400"
                    : "MONTH(%1$s) == MAX(IF(EPOCH(TIME_SERIES(0)) == MAX(EPOCH(TIME_SERIES(0))),"
                            + " MONTH(TIME_SERIES(0)), 0))";
            List<String> shown = new ArrayList<>();
            for (JsonNode line : expressions) {
                JsonNode expression = line.get(0);
                if (expression.path("visible").asBoolean(true)) {
                    shown.add(expression.path("label").asText() + " = "
                            + expression.path("expression").asText());
                } else {
                    // Every model that reported, also one no longer allowed.
                    assertThat(expression.path("id").asText()).isEqualTo("costall");
                    assertThat(expression.path("expression").asText())
                            .isEqualTo(
                                    "SUM(SEARCH('{BedrockChat/prod,Environment,Model} MetricName=\"EstimatedCostUsd\""
                                            + " Environment=\"prod\"', 'Sum', 3600))");
                }
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < PROD_MODELS.size(); i++) {
                expected.add(PROD_MODELS.get(i) + " = RUNNING_SUM(IF(" + filter.formatted("cost" + i) + ", cost" + i
                        + ", 0))");
            }
            expected.add("All models = RUNNING_SUM(IF(" + filter.formatted("costall") + ", costall, 0))");
            assertThat(shown).as(title).containsExactlyElementsOf(expected);
        }

        JsonNode daily = widgets.get("Estimated spend per day (USD)").path("properties");
        assertThat(daily.path("period").asInt()).isEqualTo(86400);
        assertThat(daily.path("stacked").asBoolean()).isTrue();
        assertThat(daily.path("start").asText()).isEqualTo("-P31D");
        assertThat(lines(daily)).containsExactlyElementsOf(perModel("EstimatedCostUsd", "Sum"));
    }

    @Test
    void theDashboardShowsTokensRequestsErrorsFirstTokenAndQuotaRejectionsPerModel() throws Exception {
        Map<String, JsonNode> widgets = widgets(Synthesized.environment("prod").backend());

        assertThat(lines(widgets.get("Requests per model").path("properties")))
                .containsExactlyElementsOf(perModel("Requests", "Sum"));
        assertThat(lines(widgets.get("Input tokens per model").path("properties")))
                .containsExactlyElementsOf(perModel("InputTokens", "Sum"));
        assertThat(lines(widgets.get("Output tokens per model").path("properties")))
                .containsExactlyElementsOf(perModel("OutputTokens", "Sum"));
        List<String> cache = new ArrayList<>();
        List<String> firstToken = new ArrayList<>();
        for (String model : PROD_MODELS) {
            cache.add("BedrockChat/prod CacheReadTokens Environment=prod Model=" + model + " Sum");
            cache.add("BedrockChat/prod CacheWriteTokens Environment=prod Model=" + model + " Sum");
            firstToken.add("BedrockChat/prod TimeToFirstTokenMs Environment=prod Model=" + model + " p50");
            firstToken.add("BedrockChat/prod TimeToFirstTokenMs Environment=prod Model=" + model + " p99");
        }
        assertThat(lines(widgets.get("Prompt cache tokens per model").path("properties")))
                .containsExactlyElementsOf(cache);
        assertThat(lines(widgets.get("Time to first token (ms)").path("properties")))
                .containsExactlyElementsOf(firstToken);
        assertThat(lines(widgets.get("Quota rejections (429 QuotaExceeded)").path("properties")))
                .containsExactlyElementsOf(perModel("QuotaRejections", "Sum"));
        // Error codes are the function's to name: a search finds each code of each model.
        JsonNode errors = widgets.get("Errors by code and model").path("properties");
        assertThat(errors.path("metrics").get(0).get(0).path("expression").asText())
                .isEqualTo("SEARCH('{BedrockChat/prod,Environment,ErrorCode,Model} MetricName=\"Errors\""
                        + " Environment=\"prod\"', 'Sum', 300)");
        assertThat(errors.path("period").asInt()).isEqualTo(300);
    }

    @Test
    void anAlarmMailsWhenTheFunctionAnswersInternalErrorOnAnyModel() {
        Template backend = Synthesized.environment("prod").backend();
        Map<String, Object> alarm = properties(backend.findResources("AWS::CloudWatch::Alarm").entrySet().stream()
                .filter(entry -> entry.getKey().startsWith("ObservabilityInternalErrors"))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElseThrow());
        List<Map<String, Object>> metrics =
                Cfn.list(alarm.get("Metrics")).stream().map(Cfn::map).toList();

        assertThat(alarm)
                .containsEntry("ComparisonOperator", "GreaterThanOrEqualToThreshold")
                .containsEntry("Threshold", 1)
                .containsEntry("EvaluationPeriods", 1);
        assertThat(metrics.getFirst())
                .containsEntry(
                        "Expression",
                        "FILL(internal0, 0) + FILL(internal1, 0) + FILL(internal2, 0) + FILL(internal3, 0)")
                .containsEntry("ReturnData", true);
        assertThat(metrics.subList(1, metrics.size())).hasSize(PROD_MODELS.size());
        for (int i = 0; i < PROD_MODELS.size(); i++) {
            Map<String, Object> stat = map(metrics.get(i + 1).get("MetricStat"));
            assertThat(metrics.get(i + 1)).containsEntry("Id", "internal" + i).containsEntry("ReturnData", false);
            assertThat(stat).containsEntry("Stat", "Sum").containsEntry("Period", 300);
            assertThat(map(stat.get("Metric")))
                    .containsEntry("Namespace", "BedrockChat/prod")
                    .containsEntry("MetricName", "Errors")
                    .containsEntry(
                            "Dimensions",
                            List.of(
                                    Map.of("Name", "Environment", "Value", "prod"),
                                    Map.of("Name", "ErrorCode", "Value", "InternalError"),
                                    Map.of("Name", "Model", "Value", PROD_MODELS.get(i))));
        }
    }

    private static List<String> perModel(String metricName, String statistic) {
        return PROD_MODELS.stream()
                .map(model -> "BedrockChat/prod " + metricName + " Environment=prod Model=" + model + " " + statistic)
                .toList();
    }

    /** Each metric line of a graph as {@code "<namespace> <name> <dim>=<value>… <stat>"}. */
    private static List<String> lines(JsonNode widget) {
        List<String> lines = new ArrayList<>();
        for (JsonNode line : widget.path("metrics")) {
            StringBuilder text =
                    new StringBuilder(line.get(0).asText() + " " + line.get(1).asText());
            int i = 2;
            for (; i + 1 < line.size() && line.get(i).isTextual(); i += 2) {
                text.append(' ')
                        .append(line.get(i).asText())
                        .append('=')
                        .append(line.get(i + 1).asText());
            }
            lines.add(text + " " + line.get(line.size() - 1).path("stat").asText());
        }
        return lines;
    }

    private static Map<String, JsonNode> widgets(Template backend) throws Exception {
        Map<String, Object> dashboard = properties(only(backend.findResources("AWS::CloudWatch::Dashboard")));
        JsonNode body = JSON.readTree(flatten(dashboard.get("DashboardBody")));
        Map<String, JsonNode> byTitle = new LinkedHashMap<>();
        body.path("widgets").forEach(widget -> {
            String title = widget.path("properties").path("title").asText();
            if (!title.isEmpty()) {
                byTitle.put(title, widget);
            }
        });
        return byTitle;
    }

    private static Map<String, Object> functionVariables(Template backend) {
        Map<String, Object> function = properties(only(
                backend.findResources("AWS::Lambda::Function", Map.of("Properties", Map.of("Runtime", "java25")))));
        return map(map(function.get("Environment")).get("Variables"));
    }
}
