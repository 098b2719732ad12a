package dev.bedrockchat.infra.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.bedrockchat.infra.support.CdkJson;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PipelineConfigLoaderTest {
    private static final String CONNECTION =
            "arn:aws:codeconnections:us-east-1:444444444444:connection/00000000-0000-0000-0000-000000000000";
    /** dev names no account of its own in cdk.json (a laptop deploys it into the caller's): its stage names it. */
    private static final Map<String, Object> DEV = Map.of("env", "dev", "account", "111111111111");

    @Test
    void readsThePipelineOfTheRealCdkJson() {
        PipelineConfig pipeline = PipelineConfigLoader.fromContext(context(c -> {})::get);

        assertThat(pipeline.account()).isEqualTo("444444444444");
        assertThat(pipeline.region()).isEqualTo("us-east-1");
        assertThat(pipeline.connectionArn()).isEqualTo(CONNECTION);
        assertThat(pipeline.repository()).isEqualTo("example-org/bedrock-chat");
        assertThat(pipeline.branch()).isEqualTo("main");
        assertThat(pipeline.alarmEmail()).isEqualTo("chat-pipeline@example.com");
        assertThat(pipeline.logRetentionDays()).isEqualTo(90);
        assertThat(pipeline.stages()).extracting(EnvironmentConfig::name).containsExactly("dev", "staging", "prod");
        assertThat(pipeline.stages())
                .extracting(stage -> stage.account().orElseThrow())
                .containsExactly("111111111111", "222222222222", "333333333333");
        assertThat(pipeline.stages())
                .extracting(stage -> stage.delivery().approval())
                .containsExactly(false, false, true);
        assertThat(pipeline.stages()).allSatisfy(stage -> {
            assertThat(stage.privateCopy()).isEmpty();
            assertThat(stage.delivery().smokeChat()).isFalse();
        });
    }

    @Test
    void aStageTakesItsAccountFromTheEnvironmentOrElseFromItsEntry() {
        PipelineConfig pipeline = PipelineConfigLoader.fromContext(context(c -> {
            environment(c, "prod").remove("account");
            settings(c)
                    .put(
                            "stages",
                            List.of(
                                    DEV,
                                    // the environment's own account, said again: no contradiction
                                    Map.of("env", "staging", "account", "222222222222"),
                                    Map.of("env", "prod", "account", "555555555555")));
        })::get);

        assertThat(pipeline.stages())
                .extracting(stage -> stage.account().orElseThrow())
                .containsExactly("111111111111", "222222222222", "555555555555");
        // Nothing else of the environment changes with the stage's account.
        EnvironmentConfig dev = EnvironmentConfigLoader.fromContext(context(c -> {})::get);
        assertThat(dev.account()).isEmpty();
        assertThat(pipeline.stages().getFirst())
                .usingRecursiveComparison()
                .ignoringFields("account")
                .isEqualTo(dev);
    }

    @Test
    void theStagesKeepTheirOrder() {
        PipelineConfig pipeline = PipelineConfigLoader.fromContext(
                context(c -> settings(c).put("stages", List.of("staging", DEV, "prod")))::get);

        assertThat(pipeline.stages()).extracting(EnvironmentConfig::name).containsExactly("staging", "dev", "prod");
    }

    @Test
    void productionLeftOutOfThePipelineNeedsNoApprovalSettingRemoved() {
        // prod's approval is only its default (production: true) here, so leaving prod out is fine.
        PipelineConfig pipeline = PipelineConfigLoader.fromContext(context(c -> {
            environment(c, "prod").remove("approval");
            settings(c).put("stages", List.of(DEV, "staging"));
        })::get);

        assertThat(pipeline.stages()).extracting(EnvironmentConfig::name).containsExactly("dev", "staging");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPipelines")
    void everyBadPipelineSettingIsNamedWithItsFixOnOneLine(
            String problem, Consumer<Map<String, Object>> breakIt, String expectedMessage) {
        Map<String, Object> context = context(breakIt);

        assertThatThrownBy(() -> PipelineConfigLoader.fromContext(context::get))
                .isInstanceOf(ConfigException.class)
                .hasMessage(expectedMessage)
                .satisfies(thrown -> assertThat(thrown.getMessage()).doesNotContain("\n"));
    }

    static Stream<Arguments> badPipelines() {
        return Stream.of(
                arguments(
                        "no settings",
                        (Consumer<Map<String, Object>>) c -> c.remove("pipelineSettings"),
                        "context.pipelineSettings is missing: -c pipeline=true needs the pipeline's account,"
                                + " alarmEmail, branch, connectionArn, logRetentionDays, region, repository, stages"
                                + " under context.pipelineSettings in cdk.json"),
                arguments(
                        "unknown stage",
                        setting("stages", List.of(DEV, "qa")),
                        "pipelineSettings.stages[1] 'qa' is not an environment (known: dev, staging, prod): add it"
                                + " under context.environments or remove it from the stages in cdk.json"),
                arguments(
                        "duplicate stage",
                        setting("stages", List.of(DEV, "staging", "dev")),
                        "pipelineSettings.stages[2] repeats 'dev': the pipeline deploys each environment once; list"
                                + " it once in cdk.json"),
                arguments(
                        "stage without account",
                        (Consumer<Map<String, Object>>)
                                c -> environment(c, "staging").remove("account"),
                        "pipelineSettings.stages[1] 'staging' has no account: the pipeline deploys into a named"
                                + " account; write the stage as {\"env\": \"staging\", \"account\": \"<12-digit"
                                + " id>\"} or set environments.staging.account in cdk.json"),
                arguments(
                        "dev by name alone, which names no account",
                        setting("stages", List.of("dev", "staging", "prod")),
                        "pipelineSettings.stages[0] 'dev' has no account: the pipeline deploys into a named"
                                + " account; write the stage as {\"env\": \"dev\", \"account\": \"<12-digit"
                                + " id>\"} or set environments.dev.account in cdk.json"),
                arguments(
                        "stage account contradicting the environment's",
                        setting("stages", List.of(DEV, Map.of("env", "staging", "account", "999999999999"), "prod")),
                        "pipelineSettings.stages[1].account 999999999999 contradicts environments.staging.account"
                                + " 222222222222: the stage deploys the environment into its account; remove one of"
                                + " them or make them the same in cdk.json"),
                arguments(
                        "stage neither a name nor an object",
                        setting("stages", List.of(DEV, 7)),
                        "pipelineSettings.stages[1] must be an environment name like \"dev\" or {\"env\":"
                                + " \"dev\", \"account\": \"<12-digit id>\"} (got 7): fix it in cdk.json"),
                arguments(
                        "stage without its environment",
                        setting("stages", List.of(Map.of("account", "111111111111"))),
                        "pipelineSettings.stages[0].env is missing: set it to the name of the environment this"
                                + " stage deploys, like dev in cdk.json"),
                arguments(
                        "malformed stage account",
                        setting("stages", List.of(Map.of("env", "dev", "account", "1111"))),
                        "pipelineSettings.stages[0].account must be the 12-digit id of the account this stage"
                                + " deploys dev into (got '1111'): fix it in cdk.json"),
                arguments(
                        "unknown setting of a stage",
                        setting("stages", List.of(Map.of("env", "dev", "acount", "111111111111"))),
                        "pipelineSettings.stages[0].acount is not a known setting (known: account, env): fix it in"
                                + " cdk.json"),
                arguments(
                        "approval outside the pipeline",
                        setting("stages", List.of(DEV, "staging")),
                        "environments.prod.approval is true, but prod is not in pipelineSettings.stages (dev,"
                                + " staging): add it there or remove the approval in cdk.json"),
                arguments(
                        "no stages",
                        setting("stages", List.of()),
                        "pipelineSettings.stages must be a non-empty list of environments in the order of"
                                + " promotion, each a name or {\"env\": NAME, \"account\": ID}, e.g. [{\"env\":"
                                + " \"dev\", \"account\": \"111111111111\"}, \"prod\"] (got an empty list):"
                                + " fix it in cdk.json"),
                arguments(
                        "no connection",
                        remove("connectionArn"),
                        "pipelineSettings.connectionArn is missing: set it to the ARN of a CodeConnections"
                                + " connection to the repository's host, made in the pipeline's account (Developer"
                                + " Tools console, Settings, Connections), like"
                                + " arn:aws:codeconnections:us-east-1:444444444444:connection/<id> in cdk.json"),
                arguments(
                        "malformed connection",
                        setting("connectionArn", "my-github"),
                        "pipelineSettings.connectionArn must be the ARN of a CodeConnections connection to the"
                                + " repository's host, made in the pipeline's account (Developer Tools console,"
                                + " Settings, Connections), like"
                                + " arn:aws:codeconnections:us-east-1:444444444444:connection/<id> (got 'my-github'):"
                                + " fix it in cdk.json"),
                arguments(
                        "connection of another account",
                        setting("connectionArn", CONNECTION.replace("444444444444", "111111111111")),
                        "pipelineSettings.connectionArn belongs to account 111111111111, not to the pipeline's"
                                + " account 444444444444: make the connection in the pipeline's account and set its"
                                + " ARN in cdk.json"),
                arguments(
                        "no repository",
                        remove("repository"),
                        "pipelineSettings.repository is missing: set it to the repository as owner/name, e.g."
                                + " example-org/bedrock-chat in cdk.json"),
                arguments(
                        "repository without owner",
                        setting("repository", "bedrock-chat"),
                        "pipelineSettings.repository must be the repository as owner/name, e.g."
                                + " example-org/bedrock-chat (got 'bedrock-chat'): fix it in cdk.json"),
                arguments(
                        "no branch",
                        remove("branch"),
                        "pipelineSettings.branch is missing: set it to the branch the pipeline delivers, e.g. main"
                                + " in cdk.json"),
                arguments(
                        "branch with a space",
                        setting("branch", "my branch"),
                        "pipelineSettings.branch must be the branch the pipeline delivers, e.g. main (got 'my"
                                + " branch'): fix it in cdk.json"),
                arguments(
                        "no tooling account",
                        remove("account"),
                        "pipelineSettings.account is missing: set it to the 12-digit id of the pipeline's tooling"
                                + " account in cdk.json"),
                arguments(
                        "malformed tooling account",
                        setting("account", "4444"),
                        "pipelineSettings.account must be the 12-digit id of the pipeline's tooling account (got"
                                + " '4444'): fix it in cdk.json"),
                arguments(
                        "region",
                        setting("region", "Virginia"),
                        "pipelineSettings.region must be an AWS Region code like us-east-1 (got 'Virginia'): fix it"
                                + " in cdk.json"),
                arguments(
                        "alarm e-mail",
                        setting("alarmEmail", "ops"),
                        "pipelineSettings.alarmEmail must be one e-mail address like ops@example.com (got 'ops'):"
                                + " fix it in cdk.json"),
                arguments(
                        "log retention",
                        setting("logRetentionDays", 8),
                        "pipelineSettings.logRetentionDays must be a number of days CloudWatch Logs accepts (1, 3,"
                                + " 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,"
                                + " 2922, 3288, 3653) (got 8): fix it in cdk.json"),
                arguments(
                        "unknown setting",
                        setting("stage", List.of("dev")),
                        "pipelineSettings.stage is not a known setting (known: account, alarmEmail, branch,"
                                + " connectionArn, logRetentionDays, region, repository, stages): fix it in cdk.json"),
                arguments(
                        "a private copy",
                        (Consumer<Map<String, Object>>) c -> c.put("stage", "alice"),
                        "-c stage=alice and -c pipeline=true do not go together: the pipeline deploys the"
                                + " environments themselves and private copies are deployed from a laptop; leave out"
                                + " one of them"));
    }

    @Test
    void thePipelineFlagIsTrueOrFalse() {
        assertThat(PipelineConfigLoader.isRequested(Map.<String, Object>of()::get))
                .isFalse();
        assertThat(PipelineConfigLoader.isRequested(Map.<String, Object>of("pipeline", "true")::get))
                .isTrue();
        assertThat(PipelineConfigLoader.isRequested(Map.<String, Object>of("pipeline", true)::get))
                .isTrue();
        assertThat(PipelineConfigLoader.isRequested(Map.<String, Object>of("pipeline", "false")::get))
                .isFalse();
        assertThatThrownBy(() -> PipelineConfigLoader.isRequested(Map.<String, Object>of("pipeline", "yes")::get))
                .isInstanceOf(ConfigException.class)
                .hasMessage("-c pipeline=yes must be true (the pipeline stack) or false (one environment's stacks,"
                        + " chosen with -c env=NAME)");
    }

    /** The real cdk.json's context, changed by {@code change}. */
    private static Map<String, Object> context(Consumer<Map<String, Object>> change) {
        Map<String, Object> context = new HashMap<>(CdkJson.context());
        context.put("pipeline", "true");
        change.accept(context);
        return context;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> settings(Map<String, Object> context) {
        return (Map<String, Object>) context.get("pipelineSettings");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment(Map<String, Object> context, String name) {
        return (Map<String, Object>) ((Map<String, Object>) context.get("environments")).get(name);
    }

    private static Consumer<Map<String, Object>> setting(String key, Object value) {
        return context -> settings(context).put(key, value instanceof List<?> list ? new ArrayList<>(list) : value);
    }

    private static Consumer<Map<String, Object>> remove(String key) {
        return context -> settings(context).remove(key);
    }
}
