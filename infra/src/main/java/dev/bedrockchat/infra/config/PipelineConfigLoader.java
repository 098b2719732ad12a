package dev.bedrockchat.infra.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and validates the {@link PipelineConfig} from the CDK context.
 *
 * <pre>
 * context.pipeline            true: synthesize the pipeline stack instead of one environment (-c pipeline=true)
 * context.pipelineSettings    the pipeline: account, region, connectionArn, repository, branch, stages, alarmEmail,
 *                             logRetentionDays
 * context.environments.NAME   the environments the stages deploy (see EnvironmentConfigLoader), with
 *                             context.inferenceProfileRegions and context.modelPrices as for one environment
 * </pre>
 *
 * The settings are not under {@code context.pipeline}: the CLI's {@code -c pipeline=true} replaces a context value of
 * the same key, so the section would be gone exactly when it is needed.
 *
 * <p>Every problem is reported as a {@link ConfigException} whose one-line message names the setting and the fix.
 */
public final class PipelineConfigLoader {
    public static final String PIPELINE_KEY = "pipeline";
    public static final String SETTINGS_KEY = "pipelineSettings";

    private static final Pattern CONNECTION_ARN = Pattern.compile(
            "arn:aws[a-z-]*:(codeconnections|codestar-connections):([a-z0-9-]+):(\\d{12}):connection/[0-9a-f-]{36}");
    private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9._-]+)+");
    private static final Pattern BRANCH = Pattern.compile("[A-Za-z0-9._][A-Za-z0-9._/-]*");

    // Known keys are only looked up and printed sorted: their order never reaches a template.
    private static final Set<String> KEYS = Set.of(
            "account", "region", "connectionArn", "repository", "branch", "stages", "alarmEmail", "logRetentionDays");
    private static final Set<String> STAGE_KEYS = Set.of("env", "account");

    /** One entry of {@code stages}: the environment, and the account the stage deploys it into, if the entry says. */
    private record StageEntry(String environment, Optional<String> account) {}

    private PipelineConfigLoader() {}

    /** Whether {@code -c pipeline=true} asks for the pipeline stack rather than one environment's stacks. */
    public static boolean isRequested(Function<String, Object> context) {
        Object flag = context.apply(PIPELINE_KEY);
        if (flag == null) {
            return false;
        }
        String text = String.valueOf(flag).strip();
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default ->
                throw new ConfigException("-c " + PIPELINE_KEY + "=" + text + " must be true (the pipeline stack)"
                        + " or false (one environment's stacks, chosen with -c " + EnvironmentConfigLoader.ENV_KEY
                        + "=NAME)");
        };
    }

    /**
     * Loads the pipeline for {@code -c pipeline=true}; a private copy ({@code -c stage=NAME}) is refused, as the
     * pipeline deploys the environments themselves.
     *
     * @param context looks up one context key, e.g. {@code app.getNode()::tryGetContext}
     */
    public static PipelineConfig fromContext(Function<String, Object> context) {
        Object copy = context.apply(EnvironmentConfigLoader.STAGE_KEY);
        if (copy != null) {
            throw new ConfigException("-c " + EnvironmentConfigLoader.STAGE_KEY + "="
                    + String.valueOf(copy).strip()
                    + " and -c " + PIPELINE_KEY + "=true do not go together: the pipeline deploys the environments"
                    + " themselves and private copies are deployed from a laptop; leave out one of them");
        }
        return load(
                context.apply(SETTINGS_KEY),
                context.apply(EnvironmentConfigLoader.ENVIRONMENTS_KEY),
                context.apply(EnvironmentConfigLoader.PROFILE_REGIONS_KEY),
                context.apply(EnvironmentConfigLoader.MODEL_PRICES_KEY));
    }

    /**
     * Loads the pipeline.
     *
     * @param settings       the value of {@code context.pipelineSettings}
     * @param environments   the value of {@code context.environments}
     * @param profileRegions the value of {@code context.inferenceProfileRegions}
     * @param modelPrices    the value of {@code context.modelPrices}
     */
    public static PipelineConfig load(Object settings, Object environments, Object profileRegions, Object modelPrices) {
        if (settings == null) {
            throw new ConfigException("context." + SETTINGS_KEY + " is missing: -c " + PIPELINE_KEY + "=true needs"
                    + " the pipeline's "
                    + String.join(", ", KEYS.stream().sorted().toList()) + " under context."
                    + SETTINGS_KEY + " in cdk.json");
        }
        Settings pipeline = Settings.of(SETTINGS_KEY, settings);
        pipeline.allowOnly(KEYS);

        String accountRule = "the 12-digit id of the pipeline's tooling account";
        String account = pipeline.string("account", accountRule);
        if (!EnvironmentConfigLoader.ACCOUNT.matcher(account).matches()) {
            throw pipeline.invalid("account", accountRule, account);
        }
        String region = pipeline.string("region", "the pipeline's AWS Region, like us-east-1");
        EnvironmentConfigLoader.requireRegion(pipeline, "region", region);
        String connectionArn = connectionArn(pipeline, account);
        String repositoryRule = "the repository as owner/name, e.g. example-org/bedrock-chat";
        String repository = pipeline.string("repository", repositoryRule);
        if (!REPOSITORY.matcher(repository).matches()) {
            throw pipeline.invalid("repository", repositoryRule, repository);
        }
        String branchRule = "the branch the pipeline delivers, e.g. main";
        String branch = pipeline.string("branch", branchRule);
        if (!BRANCH.matcher(branch).matches() || branch.contains("..")) {
            throw pipeline.invalid("branch", branchRule, branch);
        }
        List<EnvironmentConfig> stages = stages(pipeline, environments, profileRegions, modelPrices);
        String email = pipeline.string("alarmEmail", "an e-mail address for failed pipeline executions");
        if (!EnvironmentConfigLoader.EMAIL.matcher(email).matches()) {
            throw pipeline.invalid("alarmEmail", "one e-mail address like ops@example.com", email);
        }
        int retention = EnvironmentConfigLoader.logRetentionDays(pipeline);
        return new PipelineConfig(account, region, connectionArn, repository, branch, stages, email, retention);
    }

    private static String connectionArn(Settings pipeline, String account) {
        String rule = "the ARN of a CodeConnections connection to the repository's host, made in the pipeline's"
                + " account (Developer Tools console, Settings, Connections), like"
                + " arn:aws:codeconnections:us-east-1:" + account + ":connection/<id>";
        String arn = pipeline.string("connectionArn", rule);
        Matcher matcher = CONNECTION_ARN.matcher(arn);
        if (!matcher.matches()) {
            throw pipeline.invalid("connectionArn", rule, arn);
        }
        if (!matcher.group(3).equals(account)) {
            throw new ConfigException(pipeline.pathOf("connectionArn") + " belongs to account " + matcher.group(3)
                    + ", not to the pipeline's account " + account + ": make the connection in the pipeline's"
                    + " account and set its ARN in cdk.json");
        }
        return arn;
    }

    /**
     * The environments of {@code stages}, in order: each known, listed once and with an account, its own
     * ({@code environments.NAME.account}) or the stage's ({@code {"env": NAME, "account": ID}}), not both differing; an
     * environment that asks for an approval must be one of them.
     */
    private static List<EnvironmentConfig> stages(
            Settings pipeline, Object environments, Object profileRegions, Object modelPrices) {
        List<String> known = EnvironmentConfigLoader.environmentNames(environments);
        List<Object> entries = pipeline.list(
                "stages",
                "a non-empty list of environments in the order of promotion, each a name or {\"env\": NAME,"
                        + " \"account\": ID}, e.g. [{\"env\": \"dev\", \"account\": \"111111111111\"},"
                        + " \"prod\"]");
        List<String> names = new ArrayList<>();
        List<EnvironmentConfig> stages = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String path = pipeline.pathOf("stages") + "[" + i + "]";
            StageEntry entry = stageEntry(path, entries.get(i));
            String name = entry.environment();
            if (!known.contains(name)) {
                throw new ConfigException(path + " '" + name + "' is not an environment (known: "
                        + String.join(", ", known) + "): add it under context.environments or remove it from the"
                        + " stages in cdk.json");
            }
            if (names.contains(name)) {
                throw new ConfigException(path + " repeats '" + name + "': the pipeline deploys each environment"
                        + " once; list it once in cdk.json");
            }
            names.add(name);
            EnvironmentConfig stage = EnvironmentConfigLoader.load(name, environments, profileRegions, modelPrices);
            Optional<String> own = stage.account();
            if (own.isPresent() && entry.account().isPresent() && !own.equals(entry.account())) {
                throw new ConfigException(path + ".account " + entry.account().get() + " contradicts environments."
                        + name + ".account " + own.get() + ": the stage deploys the environment into its account;"
                        + " remove one of them or make them the same in cdk.json");
            }
            if (own.isEmpty() && entry.account().isEmpty()) {
                throw new ConfigException(path + " '" + name + "' has no account: the pipeline deploys into a named"
                        + " account; write the stage as {\"env\": \"" + name + "\", \"account\": \"<12-digit"
                        + " id>\"} or set environments." + name + ".account in cdk.json");
            }
            stages.add(own.isPresent() ? stage : stage.inAccount(entry.account().orElseThrow()));
        }
        Settings all = Settings.of(EnvironmentConfigLoader.ENVIRONMENTS_KEY, environments);
        for (String name : known) {
            Settings environment = all.object(name);
            if (!names.contains(name)
                    && environment.has("approval")
                    && environment.bool("approval", "true (a person approves each promotion into it) or false")) {
                throw new ConfigException(environment.pathOf("approval") + " is true, but " + name + " is not in "
                        + pipeline.pathOf("stages") + " (" + String.join(", ", names) + "): add it there or remove"
                        + " the approval in cdk.json");
            }
        }
        return stages;
    }

    private static StageEntry stageEntry(String path, Object entry) {
        String rule = "an environment name like \"dev\" or {\"env\": \"dev\", \"account\": \"<12-digit id>\"}";
        if (entry instanceof String name && !name.isBlank()) {
            return new StageEntry(name.strip(), Optional.empty());
        }
        if (!(entry instanceof Map<?, ?>)) {
            throw new ConfigException(
                    path + " must be " + rule + " (got " + Settings.describe(entry) + "): " + Settings.FIX);
        }
        Settings stage = Settings.of(path, entry);
        stage.allowOnly(STAGE_KEYS);
        String name = stage.string("env", "the name of the environment this stage deploys, like dev");
        String accountRule = "the 12-digit id of the account this stage deploys " + name + " into";
        Optional<String> account = stage.optionalString("account", accountRule);
        if (account.isPresent()
                && !EnvironmentConfigLoader.ACCOUNT.matcher(account.get()).matches()) {
            throw stage.invalid("account", accountRule, account.get());
        }
        return new StageEntry(name, account);
    }
}
