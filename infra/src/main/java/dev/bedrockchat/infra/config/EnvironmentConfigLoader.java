package dev.bedrockchat.infra.config;

import dev.bedrockchat.infra.bedrock.ModelId;
import dev.bedrockchat.infra.config.EnvironmentConfig.ApiThrottle;
import dev.bedrockchat.infra.config.EnvironmentConfig.Approval;
import dev.bedrockchat.infra.config.EnvironmentConfig.ArtifactLifecycle;
import dev.bedrockchat.infra.config.EnvironmentConfig.Auth;
import dev.bedrockchat.infra.config.EnvironmentConfig.AuthMode;
import dev.bedrockchat.infra.config.EnvironmentConfig.Budget;
import dev.bedrockchat.infra.config.EnvironmentConfig.BudgetAlert;
import dev.bedrockchat.infra.config.EnvironmentConfig.CustomDomain;
import dev.bedrockchat.infra.config.EnvironmentConfig.Delivery;
import dev.bedrockchat.infra.config.EnvironmentConfig.Federation;
import dev.bedrockchat.infra.config.EnvironmentConfig.FunctionSettings;
import dev.bedrockchat.infra.config.EnvironmentConfig.IamAuth;
import dev.bedrockchat.infra.config.EnvironmentConfig.Mfa;
import dev.bedrockchat.infra.config.EnvironmentConfig.ModelPrice;
import dev.bedrockchat.infra.config.EnvironmentConfig.ModelPrices;
import dev.bedrockchat.infra.config.EnvironmentConfig.Models;
import dev.bedrockchat.infra.config.EnvironmentConfig.OidcFederation;
import dev.bedrockchat.infra.config.EnvironmentConfig.Quota;
import dev.bedrockchat.infra.config.EnvironmentConfig.SamlFederation;
import dev.bedrockchat.infra.config.EnvironmentConfig.SpendType;
import dev.bedrockchat.infra.config.EnvironmentConfig.Waf;
import dev.bedrockchat.infra.logs.LogRetention;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads and validates an {@link EnvironmentConfig} from the CDK context (cdk.json's {@code context} plus
 * {@code -c key=value} options).
 *
 * <pre>
 * context.env                      the environment to synthesize (default dev), e.g. -c env=prod
 * context.stage                    optional: a private copy of it, e.g. -c stage=alice (see EnvironmentConfig#asPrivateCopy)
 * context.inferenceProfileRegions  { "us": ["us-east-1", ...], "eu": [...], "apac": [...] }
 * context.modelPrices              { "takenOn": "YYYY-MM-DD", "source": "...", "models": { "ID": { "inputPer1k": ...,
 *                                  "outputPer1k": ..., "cacheReadPer1k"?: ..., "cacheWritePer1k"?: ... } } }
 * context.environments.NAME        the settings of environment NAME (see EnvironmentConfig)
 * </pre>
 *
 * Timeouts are checked against the {@link ServiceLimits} of CloudFront and API Gateway, and the Availability Zones
 * against the Region; whether the zones offer the Bedrock Runtime endpoint can only be checked in the account (see
 * {@link EnvironmentConfig#availabilityZones()}).
 *
 * Every problem is reported as a {@link ConfigException} whose one-line message names the setting and the fix.
 */
public final class EnvironmentConfigLoader {
    public static final String ENV_KEY = "env";
    /** A private copy of the environment for a branch or a person: {@code -c stage=NAME}. */
    public static final String STAGE_KEY = "stage";

    public static final String ENVIRONMENTS_KEY = "environments";
    public static final String PROFILE_REGIONS_KEY = "inferenceProfileRegions";
    public static final String MODEL_PRICES_KEY = "modelPrices";
    public static final String DEFAULT_ENVIRONMENT = "dev";

    /** S3 moves objects to Standard-IA no earlier than 30 days after creation. */
    public static final int MIN_INFREQUENT_ACCESS_DAYS = 30;
    /** The longest a Lambda invocation (and so a streamed answer) may run. */
    public static final int MAX_FUNCTION_TIMEOUT_SECONDS = 900;
    /** Lambda allows 4 KB of environment variables in all; the system prompt gets at most half. */
    public static final int MAX_SYSTEM_PROMPT_CHARS = 2048;
    /**
     * The first Lambda Web Adapter layer of a final release (v1.0.0). Earlier layers are pre-releases; 26, the
     * v1.0.0 release candidate, keeps a pooled connection across a SnapStart restore.
     */
    public static final int MIN_WEB_ADAPTER_LAYER_VERSION = 27;
    /** A Lambda Web Adapter layer that was published by a release that was reverted. */
    public static final int WITHDRAWN_WEB_ADAPTER_LAYER_VERSION = 29;
    /**
     * The layer every environment pins: Lambda Web Adapter v1.1.0, which re-runs the readiness check and rebuilds its
     * HTTP client after every SnapStart restore.
     */
    public static final int RECOMMENDED_WEB_ADAPTER_LAYER_VERSION = 30;

    private static final Pattern ENVIRONMENT_NAME = Pattern.compile("[a-z][a-z0-9]{1,15}");
    private static final Pattern PRIVATE_COPY_NAME = Pattern.compile("[a-z][a-z0-9]{0,11}");
    static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d{1,2}");
    static final Pattern EMAIL = Pattern.compile("[^@\\s,;]+@[^@\\s,;.]+(\\.[^@\\s,;.]+)+");
    private static final Pattern PROFILE_PREFIX = Pattern.compile("[a-z]{2,8}");
    private static final Pattern DOMAIN_NAME = Pattern.compile("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}");
    private static final Pattern CLOUDFRONT_CERTIFICATE =
            Pattern.compile("arn:aws:acm:us-east-1:\\d{12}:certificate/[0-9a-f-]{36}");
    /** Cognito's rule for a domain prefix: lowercase letters, digits and inner hyphens, at most 63 characters. */
    private static final Pattern DOMAIN_PREFIX = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    /** Words Cognito refuses in a domain prefix. */
    private static final List<String> RESERVED_DOMAIN_WORDS = List.of("aws", "amazon", "cognito");
    /** An identity provider's name: 3 to 32 letters, digits, dots, hyphens or underscores, not at either end. */
    private static final Pattern PROVIDER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{1,30}[A-Za-z0-9]");
    /** The names Cognito keeps for its own and the social providers. */
    private static final List<String> RESERVED_PROVIDER_NAMES =
            List.of("Cognito", "Facebook", "Google", "LoginWithAmazon", "SignInWithApple");

    private static final Pattern HTTPS_URL = Pattern.compile("https://[a-z0-9.-]+(:\\d{1,5})?(/[^\\s?#]*)?");
    private static final Pattern CLIENT_ID = Pattern.compile("[\\x21-\\x7e]{1,256}");
    private static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z0-9/_+=.@-]{1,512}");
    /** AWS WAF's bounds of a rate-based rule's limit. */
    public static final int MIN_WAF_RATE_LIMIT = 10;

    public static final int MAX_WAF_RATE_LIMIT = 2_000_000_000;
    /** The most tokens {@code quota.dailyTokensPerUser} may allow. */
    public static final int MAX_DAILY_TOKENS = 1_000_000_000;
    /** The highest share of the budget an alert or the guard may be set to. */
    public static final int MAX_BUDGET_PERCENT = 1000;
    /** AWS Budgets allows this many notifications per budget. */
    public static final int MAX_BUDGET_ALERTS = 5;

    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    /** An IAM principal a resource policy can name: an account's root, a role or a user (with an optional path). */
    private static final Pattern IAM_PRINCIPAL =
            Pattern.compile("arn:aws(-cn|-us-gov)?:iam::\\d{12}:(root|(role|user)/([\\w+=,.@-]+/)*[\\w+=,.@-]{1,64})");

    // Known keys are only looked up and printed sorted: their order never reaches a template.
    private static final Set<String> ENVIRONMENT_KEYS = Set.of(
            "production",
            "account",
            "region",
            "availabilityZones",
            "models",
            "function",
            "api",
            "artifacts",
            "alarmEmail",
            "budgetUsd",
            "logRetentionDays",
            "retainDataOnDelete",
            "customDomain",
            "apiGatewayAccountRole",
            "cloudTrail",
            "auth",
            "waf",
            "quota",
            "budget",
            "approval",
            "smokeChat");
    private static final Set<String> AUTH_KEYS = Set.of("mode", "selfSignUp", "mfa", "domainPrefix", "federation");
    /** The settings that only the oidc mode uses. */
    private static final List<String> OIDC_ONLY_AUTH_KEYS = List.of("selfSignUp", "mfa", "domainPrefix", "federation");

    private static final Set<String> OIDC_FEDERATION_KEYS =
            Set.of("type", "name", "issuer", "clientId", "clientSecretName");
    private static final Set<String> SAML_FEDERATION_KEYS = Set.of("type", "name", "metadataUrl");
    private static final Set<String> WAF_KEYS = Set.of("enabled", "rateLimitPer5Minutes");
    private static final Set<String> CUSTOM_DOMAIN_KEYS = Set.of("name", "certificateArn");
    private static final Set<String> MODEL_KEYS = Set.of("default", "allowed", "destinationRegions");
    private static final Set<String> FUNCTION_KEYS = Set.of(
            "memoryMb",
            "timeoutSeconds",
            "reservedConcurrency",
            "streaming",
            "snapStart",
            "webAdapterLayerVersion",
            "warmUp",
            "systemPrompt",
            "maxTokens",
            "temperature",
            "modelTimeoutSeconds");
    private static final Set<String> API_KEYS =
            Set.of("throttleRatePerSecond", "throttleBurst", "iamAuth", "iamPrincipals");
    private static final Set<String> QUOTA_KEYS = Set.of("dailyTokensPerUser", "dailyUsdPerUser");
    private static final Set<String> BUDGET_KEYS = Set.of("alerts", "actionPercent", "approval");
    private static final Set<String> BUDGET_ALERT_KEYS = Set.of("type", "percent");
    private static final Set<String> PRICE_TABLE_KEYS = Set.of("takenOn", "source", "models");
    private static final Set<String> PRICE_KEYS =
            Set.of("inputPer1k", "outputPer1k", "cacheReadPer1k", "cacheWritePer1k");
    private static final Set<String> ARTIFACT_KEYS =
            Set.of("infrequentAccessAfterDays", "expireAfterDays", "noncurrentVersionsExpireAfterDays");

    private EnvironmentConfigLoader() {}

    /**
     * Loads the environment chosen with {@code -c env=NAME} (default {@value #DEFAULT_ENVIRONMENT}), or its private
     * copy chosen with {@code -c stage=NAME}.
     *
     * @param context looks up one context key, e.g. {@code app.getNode()::tryGetContext}
     */
    public static EnvironmentConfig fromContext(Function<String, Object> context) {
        Object chosen = context.apply(ENV_KEY);
        String name =
                chosen == null ? DEFAULT_ENVIRONMENT : String.valueOf(chosen).strip();
        EnvironmentConfig config = load(
                name,
                context.apply(ENVIRONMENTS_KEY),
                context.apply(PROFILE_REGIONS_KEY),
                context.apply(MODEL_PRICES_KEY));
        Object copy = context.apply(STAGE_KEY);
        return copy == null ? config : privateCopy(config, String.valueOf(copy).strip());
    }

    /**
     * The private copy {@code copy} of {@code config}, see {@link EnvironmentConfig#asPrivateCopy}: refused for a
     * production environment, whose copies would serve no real user but share its account.
     */
    public static EnvironmentConfig privateCopy(EnvironmentConfig config, String copy) {
        if (!PRIVATE_COPY_NAME.matcher(copy).matches()) {
            throw new ConfigException("-c " + STAGE_KEY + "=" + copy + " cannot name a private copy: use 1 to 12"
                    + " lowercase letters or digits, starting with a letter, e.g. -c " + STAGE_KEY + "=alice");
        }
        if (config.production()) {
            throw new ConfigException("-c " + STAGE_KEY + "=" + copy + " makes no private copy of " + config.name()
                    + ", which is production: true in cdk.json: copy a non-production environment, e.g. -c "
                    + ENV_KEY + "=dev -c " + STAGE_KEY + "=" + copy);
        }
        EnvironmentConfig privateCopy = config.asPrivateCopy(copy);
        if (privateCopy.auth().mode() == AuthMode.OIDC) {
            String derived = "chat-" + privateCopy.deploymentName() + "-";
            reservedDomainWord(derived).ifPresent(word -> {
                throw new ConfigException("-c " + STAGE_KEY + "=" + copy + " would give the copy's managed login"
                        + " domain the prefix '" + derived + "<account>', which contains '" + word + "' and Cognito"
                        + " refuses: choose another copy name");
            });
        }
        return privateCopy;
    }

    /** The names of every environment in the context, in the order of cdk.json. */
    public static List<String> environmentNames(Object environments) {
        return List.copyOf(environments(environments).keys());
    }

    /**
     * Loads environment {@code name}.
     *
     * @param environments   the value of {@code context.environments}
     * @param profileRegions the value of {@code context.inferenceProfileRegions}
     * @param modelPrices    the value of {@code context.modelPrices}
     */
    public static EnvironmentConfig load(String name, Object environments, Object profileRegions, Object modelPrices) {
        Settings all = environments(environments);
        if (!all.has(name)) {
            throw new ConfigException("unknown environment '" + name + "' (-c env=" + name + "): known environments"
                    + " are " + String.join(", ", all.keys()) + "; pick one or add it under context.environments in"
                    + " cdk.json");
        }
        if (!ENVIRONMENT_NAME.matcher(name).matches()) {
            throw new ConfigException("environments." + name + " has a name that cannot name stacks: use 2 to 16"
                    + " lowercase letters or digits, starting with a letter, in cdk.json");
        }
        Map<String, List<String>> regionsByPrefix = profileRegions(profileRegions);
        PriceTable prices = priceTable(modelPrices);
        return environment(name, all.object(name), regionsByPrefix, prices);
    }

    private static Settings environments(Object environments) {
        if (environments == null) {
            throw new ConfigException("context.environments is missing: cdk.json must define dev, staging and prod"
                    + " under context.environments (run the CLI from the folder of cdk.json)");
        }
        return Settings.of(ENVIRONMENTS_KEY, environments);
    }

    private static Map<String, List<String>> profileRegions(Object value) {
        if (value == null) {
            throw new ConfigException("context.inferenceProfileRegions is missing: map each inference-profile prefix"
                    + " to the Regions it routes to, e.g. \"us\": [\"us-east-1\", \"us-east-2\", \"us-west-2\"], in"
                    + " cdk.json");
        }
        Settings table = Settings.of(PROFILE_REGIONS_KEY, value);
        Map<String, List<String>> result = new LinkedHashMap<>();
        for (String prefix : table.keys()) {
            if (!PROFILE_PREFIX.matcher(prefix).matches() || ModelId.GLOBAL_PREFIX.equals(prefix)) {
                throw new ConfigException(table.pathOf(prefix) + " is not a geographic inference-profile prefix (use"
                        + " lowercase letters like us, eu, apac; global profiles need no entry): " + Settings.FIX);
            }
            List<String> regions = table.strings(prefix, "a non-empty list of Regions like us-east-1");
            for (String region : regions) {
                requireRegion(table, prefix, region);
            }
            result.put(prefix, regions);
        }
        return result;
    }

    private static EnvironmentConfig environment(
            String name, Settings env, Map<String, List<String>> profiles, PriceTable priceTable) {
        env.allowOnly(ENVIRONMENT_KEYS);
        boolean production =
                env.has("production") && env.bool("production", "true (the environment of the real users) or false");
        Optional<String> account = env.optionalString("account", "a 12-digit AWS account id");
        if (account.isPresent() && !ACCOUNT.matcher(account.get()).matches()) {
            throw env.invalid(
                    "account", "a 12-digit AWS account id (or left out to use the CLI's account)", account.get());
        }
        String region = env.string("region", "an AWS Region code like us-east-1");
        requireRegion(env, "region", region);
        List<String> zones = availabilityZones(env, region);
        Models models = models(env.object("models"), profiles);
        ModelPrices prices = priceTable.of(env.object("models"), models.allowedModelIds());

        String email = env.string("alarmEmail", "an e-mail address for alarms and budget notifications");
        if (!EMAIL.matcher(email).matches()) {
            throw env.invalid("alarmEmail", "one e-mail address like ops@example.com", email);
        }
        BigDecimal budget = env.number("budgetUsd", "a positive number of US dollars");
        if (budget.signum() <= 0) {
            throw env.invalid("budgetUsd", "a positive number of US dollars", budget);
        }
        int retention = logRetentionDays(env);
        boolean retain = env.bool("retainDataOnDelete", "true (keep buckets and logs on cdk destroy) or false");
        Optional<CustomDomain> domain =
                env.has("customDomain") ? Optional.of(customDomain(env.object("customDomain"))) : Optional.empty();
        boolean accountRole = !env.has("apiGatewayAccountRole")
                || env.bool(
                        "apiGatewayAccountRole",
                        "true (this environment sets the account's API Gateway CloudWatch role) or false (another"
                                + " environment or the account already sets it)");
        boolean cloudTrail = env.has("cloudTrail")
                && env.bool("cloudTrail", "true (a CloudTrail trail of the environment's Region) or false");
        Auth auth = auth(env, name, production);
        Waf waf = waf(env);
        Settings apiSettings = env.object("api");
        ApiThrottle throttle = api(apiSettings);
        IamAuth iamAuth = iamAuth(apiSettings);
        Quota quota = env.has("quota") ? quota(env.object("quota")) : Quota.NONE;
        Budget budgetSettings = env.has("budget") ? budget(env.object("budget")) : Budget.DEFAULT;
        boolean approval = env.has("approval")
                ? env.bool("approval", "true (a person approves each promotion into it) or false")
                : production;
        boolean smokeChat = env.has("smokeChat")
                && env.bool("smokeChat", "true (the smoke test after each deployment chats once) or false");
        if (smokeChat && auth.mode() != AuthMode.NONE) {
            throw new ConfigException(env.pathOf("smokeChat") + " is true, but auth.mode is '"
                    + auth.mode().value()
                    + "': the smoke test chats without signing in, which only auth.mode none lets through; set"
                    + " smokeChat to false in cdk.json");
        }
        return new EnvironmentConfig(
                name,
                production,
                account,
                region,
                zones,
                models,
                function(env.object("function"), production),
                throttle,
                artifacts(env.object("artifacts")),
                email,
                budget,
                retention,
                retain,
                domain,
                accountRole,
                cloudTrail,
                auth,
                waf,
                prices,
                quota,
                budgetSettings,
                iamAuth,
                new Delivery(approval, smokeChat),
                Optional.empty());
    }

    private static Auth auth(Settings env, String name, boolean production) {
        if (!env.has("auth")) {
            throw new ConfigException(env.pathOf("auth") + " is missing: set it to {\"mode\": \"oidc\"} (each person"
                    + " signs in), {\"mode\": \"token\"} (one shared token) or, outside production, {\"mode\":"
                    + " \"none\"} in cdk.json");
        }
        Settings auth = env.object("auth");
        auth.allowOnly(AUTH_KEYS);
        String modeRule = "none, token or oidc";
        String modeName = auth.string("mode", modeRule);
        AuthMode mode = Stream.of(AuthMode.values())
                .filter(candidate -> candidate.value().equals(modeName))
                .findFirst()
                .orElseThrow(() -> auth.invalid("mode", modeRule, modeName));
        if (mode == AuthMode.NONE && production) {
            throw new ConfigException(auth.pathOf("mode") + " 'none' would let anyone use a production environment"
                    + " (production is true): use oidc or token in cdk.json");
        }
        if (mode != AuthMode.OIDC) {
            for (String key : OIDC_ONLY_AUTH_KEYS) {
                if (auth.has(key)) {
                    throw new ConfigException(auth.pathOf(key) + " applies only to auth.mode oidc (got '" + mode.value()
                            + "'): remove it or set auth.mode to oidc in cdk.json");
                }
            }
            return Auth.of(mode);
        }
        boolean selfSignUp = auth.has("selfSignUp")
                && auth.bool("selfSignUp", "true (anyone may create an account) or false (an operator adds people)");
        Mfa mfa = Mfa.OPTIONAL;
        if (auth.has("mfa")) {
            String mfaRule = "off, optional or required";
            String mfaName = auth.string("mfa", mfaRule);
            mfa = Stream.of(Mfa.values())
                    .filter(candidate -> candidate.value().equals(mfaName))
                    .findFirst()
                    .orElseThrow(() -> auth.invalid("mfa", mfaRule, mfaName));
        }
        Optional<String> domainPrefix = auth.optionalString("domainPrefix", "a Cognito domain prefix");
        if (domainPrefix.isPresent()) {
            String prefix = domainPrefix.get();
            String rule = "1 to 63 lowercase letters, digits or inner hyphens, unique in the Region, like chat-example";
            if (!DOMAIN_PREFIX.matcher(prefix).matches()) {
                throw auth.invalid("domainPrefix", rule, prefix);
            }
            reservedDomainWord(prefix).ifPresent(word -> {
                throw new ConfigException(auth.pathOf("domainPrefix") + " '" + prefix + "' contains '" + word
                        + "', which Cognito refuses in a domain prefix: choose another in cdk.json");
            });
        } else {
            String derived = "chat-" + name + "-";
            reservedDomainWord(derived).ifPresent(word -> {
                throw new ConfigException(auth.pathOf("domainPrefix") + " is needed: the default '" + derived
                        + "<account>' contains '" + word + "', which Cognito refuses in a domain prefix: set"
                        + " auth.domainPrefix in cdk.json");
            });
        }
        Optional<Federation> federation =
                auth.has("federation") ? Optional.of(federation(auth.object("federation"))) : Optional.empty();
        return new Auth(mode, selfSignUp, mfa, domainPrefix, federation);
    }

    private static Optional<String> reservedDomainWord(String prefix) {
        return RESERVED_DOMAIN_WORDS.stream().filter(prefix::contains).findFirst();
    }

    private static Federation federation(Settings federation) {
        String typeRule = "oidc or saml";
        String type = federation.string("type", typeRule);
        switch (type) {
            case "oidc" -> {
                federation.allowOnly(OIDC_FEDERATION_KEYS);
                String name = providerName(federation);
                String issuer =
                        httpsUrl(federation, "issuer", "the provider's issuer URL like https://login.example.com");
                String clientIdRule = "the client id the provider issued for the user pool";
                String clientId = federation.string("clientId", clientIdRule);
                if (!CLIENT_ID.matcher(clientId).matches()) {
                    throw federation.invalid("clientId", clientIdRule, clientId);
                }
                String secretRule = "the name of the Secrets Manager secret with the client secret, like"
                        + " chat/idp-client-secret";
                String secretName = federation.string("clientSecretName", secretRule);
                if (!SECRET_NAME.matcher(secretName).matches()) {
                    throw federation.invalid("clientSecretName", secretRule, secretName);
                }
                return new OidcFederation(name, issuer, clientId, secretName);
            }
            case "saml" -> {
                federation.allowOnly(SAML_FEDERATION_KEYS);
                String name = providerName(federation);
                String metadataUrl = httpsUrl(
                        federation, "metadataUrl", "the HTTPS address of the provider's SAML metadata document");
                return new SamlFederation(name, metadataUrl);
            }
            default -> throw federation.invalid("type", typeRule, type);
        }
    }

    private static String providerName(Settings federation) {
        String rule = "3 to 32 letters, digits, dots, hyphens or underscores, like Corporate";
        String name = federation.string("name", rule);
        if (!PROVIDER_NAME.matcher(name).matches()) {
            throw federation.invalid("name", rule, name);
        }
        for (String reserved : RESERVED_PROVIDER_NAMES) {
            if (reserved.equalsIgnoreCase(name)) {
                throw new ConfigException(federation.pathOf("name") + " '" + name + "' is the name of a provider"
                        + " Cognito keeps for itself: choose another in cdk.json");
            }
        }
        return name;
    }

    private static String httpsUrl(Settings settings, String key, String rule) {
        String url = settings.string(key, rule);
        if (!HTTPS_URL.matcher(url).matches()) {
            throw settings.invalid(key, rule, url);
        }
        return url;
    }

    private static Waf waf(Settings env) {
        if (!env.has("waf")) {
            return Waf.DISABLED;
        }
        Settings waf = env.object("waf");
        waf.allowOnly(WAF_KEYS);
        boolean enabled = waf.bool("enabled", "true (an AWS WAF web ACL in front of CloudFront) or false");
        String unit = "requests of one client IP address in 5 minutes";
        if (!waf.has("rateLimitPer5Minutes")) {
            if (enabled) {
                throw waf.missing(
                        "rateLimitPer5Minutes",
                        "a whole number from " + MIN_WAF_RATE_LIMIT + " to " + MAX_WAF_RATE_LIMIT + " " + unit);
            }
            return Waf.DISABLED;
        }
        int limit = between(waf, "rateLimitPer5Minutes", MIN_WAF_RATE_LIMIT, MAX_WAF_RATE_LIMIT, unit);
        return new Waf(enabled, limit);
    }

    private static CustomDomain customDomain(Settings domain) {
        domain.allowOnly(CUSTOM_DOMAIN_KEYS);
        String nameRule = "a lowercase domain name like chat.example.com";
        String name = domain.string("name", nameRule);
        if (!DOMAIN_NAME.matcher(name).matches()) {
            throw domain.invalid("name", nameRule, name);
        }
        String arnRule = "the ARN of an ACM certificate in us-east-1 (CloudFront only uses certificates there)";
        String arn = domain.string("certificateArn", arnRule);
        if (!CLOUDFRONT_CERTIFICATE.matcher(arn).matches()) {
            throw domain.invalid("certificateArn", arnRule, arn);
        }
        return new CustomDomain(name, arn);
    }

    /**
     * The two Availability Zones of the VPC; by default the Region's {@code a} and {@code b}. Zone names map to
     * different physical zones in each account, and the Bedrock Runtime endpoint is not offered in every zone: list
     * the zones that offer it in an account with
     * {@code aws ec2 describe-vpc-endpoint-services --service-names com.amazonaws.<region>.bedrock-runtime} (field
     * {@code ServiceDetails[0].AvailabilityZones}) and set two of them in cdk.json.
     */
    private static List<String> availabilityZones(Settings env, String region) {
        if (!env.has("availabilityZones")) {
            return List.of(region + "a", region + "b");
        }
        String rule = "two Availability Zones of " + region + " like " + region + "a";
        List<String> zones = env.strings("availabilityZones", rule);
        if (zones.size() != 2 || zones.get(0).equals(zones.get(1))) {
            throw env.invalid("availabilityZones", rule, String.join(", ", zones));
        }
        for (String zone : zones) {
            if (!zone.matches(Pattern.quote(region) + "[a-z]")) {
                throw env.invalid("availabilityZones", rule, zone);
            }
        }
        return zones;
    }

    private static Models models(Settings models, Map<String, List<String>> profiles) {
        models.allowOnly(MODEL_KEYS);
        String idRule = "a Bedrock model id like amazon.nova-lite-v1:0 or an inference profile id like"
                + " us.amazon.nova-lite-v1:0";
        List<String> allowed = models.strings("allowed", "a non-empty list of Bedrock model ids");
        // Profiles with Regions of their own need no entry for their prefix.
        Set<String> withOwnRegions = models.has("destinationRegions")
                ? models.object("destinationRegions").keys()
                : Set.of();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < allowed.size(); i++) {
            String id = allowed.get(i);
            String key = "allowed[" + i + "]";
            requireModelId(models, key, id, idRule, profiles, withOwnRegions);
            if (!seen.add(id)) {
                throw new ConfigException(
                        models.pathOf(key) + " repeats '" + id + "': list each model once in" + " cdk.json");
            }
        }
        String defaultId = models.string("default", idRule);
        requireModelId(models, "default", defaultId, idRule, profiles, withOwnRegions);
        if (!allowed.contains(defaultId)) {
            throw new ConfigException(models.pathOf("default") + " '" + defaultId + "' is not in "
                    + models.pathOf("allowed") + " (" + String.join(", ", allowed) + "): add it there or pick one"
                    + " of them in cdk.json");
        }
        Map<String, List<String>> destinations = models.has("destinationRegions")
                ? destinationRegions(models, allowed)
                : new LinkedHashMap<String, List<String>>();
        return new Models(defaultId, allowed, profiles, destinations);
    }

    /**
     * {@code models.destinationRegions}: for an allowed geographic inference profile, the Regions it routes to when
     * they differ from its prefix's default in {@code context.inferenceProfileRegions}.
     */
    private static Map<String, List<String>> destinationRegions(Settings models, List<String> allowed) {
        Settings table = models.object("destinationRegions");
        Map<String, List<String>> result = new LinkedHashMap<>();
        for (String id : table.keys()) {
            if (!allowed.contains(id)) {
                throw new ConfigException(table.pathOf(id) + " names a model that is not in " + models.pathOf("allowed")
                        + " (" + String.join(", ", allowed) + "): add it there or remove this entry in cdk.json");
            }
            ModelId model = ModelId.parse(id);
            if (!model.isInferenceProfile() || model.isGlobalProfile()) {
                throw new ConfigException(table.pathOf(id) + " is not a geographic inference profile (a foundation"
                        + " model runs in the environment's Region, a global profile in any commercial Region): remove"
                        + " this entry in cdk.json");
            }
            List<String> regions = table.strings(id, "a non-empty list of the Regions this profile routes to");
            Set<String> seen = new HashSet<>();
            for (String region : regions) {
                requireRegion(table, id, region);
                if (!seen.add(region)) {
                    throw new ConfigException(
                            table.pathOf(id) + " repeats '" + region + "': list each Region once in cdk.json");
                }
            }
            result.put(id, regions);
        }
        return result;
    }

    private static void requireModelId(
            Settings models,
            String key,
            String id,
            String rule,
            Map<String, List<String>> profiles,
            Set<String> withOwnRegions) {
        if (!ModelId.isWellFormed(id)) {
            throw models.invalid(key, rule, id);
        }
        ModelId model = ModelId.parse(id);
        if (model.isInferenceProfile()
                && !model.isGlobalProfile()
                && !profiles.containsKey(model.profilePrefix().orElseThrow())
                && !withOwnRegions.contains(id)) {
            throw new ConfigException(models.pathOf(key) + " '" + id + "' uses inference-profile prefix '"
                    + model.profilePrefix().orElseThrow() + "' that context.inferenceProfileRegions does not list"
                    + " (known: " + String.join(", ", profiles.keySet()) + ", global): add its Regions there or"
                    + " under models.destinationRegions in cdk.json");
        }
    }

    private static FunctionSettings function(Settings function, boolean production) {
        function.allowOnly(FUNCTION_KEYS);
        int memory = between(function, "memoryMb", 128, 10_240, "MB");
        int timeout = between(function, "timeoutSeconds", 1, MAX_FUNCTION_TIMEOUT_SECONDS, "seconds");
        OptionalInt reserved = OptionalInt.empty();
        if (function.has("reservedConcurrency")) {
            String rule = "a whole number of at least 1 (or left out for no reservation)";
            int value = function.integer("reservedConcurrency", rule);
            if (value < 1) {
                throw function.invalid("reservedConcurrency", rule, value);
            }
            reserved = OptionalInt.of(value);
        }
        boolean streaming = function.bool("streaming", "true (answers streamed token by token) or false");
        boolean snapStart = function.bool("snapStart", "true or false");
        int layerVersion = 0;
        if (streaming || function.has("webAdapterLayerVersion")) {
            layerVersion = webAdapterLayerVersion(function);
        }
        boolean warmUp = function.has("warmUp")
                ? function.bool("warmUp", "true (a daily call keeps the SnapStart version active) or false")
                : !production;
        String prompt = function.text("systemPrompt", "a string");
        if (prompt.length() > MAX_SYSTEM_PROMPT_CHARS) {
            throw new ConfigException(function.pathOf("systemPrompt") + " must be at most " + MAX_SYSTEM_PROMPT_CHARS
                    + " characters, Lambda's environment holds 4 KB in all (got " + prompt.length() + "): shorten it"
                    + " or ship a persona file with the function");
        }
        int maxTokens = between(function, "maxTokens", 1, 1_000_000, "tokens");
        BigDecimal temperature = function.number("temperature", "a number from 0 to 1");
        if (temperature.signum() < 0 || temperature.compareTo(BigDecimal.ONE) > 0) {
            throw function.invalid("temperature", "a number from 0 to 1", temperature);
        }
        int modelTimeout = between(function, "modelTimeoutSeconds", 1, MAX_FUNCTION_TIMEOUT_SECONDS, "seconds");
        if (modelTimeout >= timeout) {
            throw function.invalid(
                    "modelTimeoutSeconds",
                    "less than function.timeoutSeconds (" + timeout + ") so"
                            + " the function can answer before Lambda stops it",
                    modelTimeout);
        }
        if (streaming && modelTimeout > ServiceLimits.maxStreamingModelTimeoutSeconds()) {
            throw function.invalid(
                    "modelTimeoutSeconds",
                    "at most "
                            + ServiceLimits.maxStreamingModelTimeoutSeconds() + " when streaming, CloudFront's "
                            + ServiceLimits.CLOUDFRONT_ORIGIN_READ_TIMEOUT_SECONDS + "-second origin read timeout less "
                            + ServiceLimits.MODEL_TIMEOUT_MARGIN_SECONDS + " seconds, so the browser gets the API's"
                            + " ModelTimeout event instead of CloudFront's error page",
                    modelTimeout);
        }
        if (!streaming && modelTimeout >= ServiceLimits.API_GATEWAY_BUFFERED_TIMEOUT_SECONDS) {
            throw function.invalid(
                    "modelTimeoutSeconds",
                    "less than "
                            + ServiceLimits.API_GATEWAY_BUFFERED_TIMEOUT_SECONDS + " when function.streaming is false,"
                            + " API Gateway's limit for a buffered integration, so the browser gets the API's ModelTimeout"
                            + " error instead of API Gateway's",
                    modelTimeout);
        }
        return new FunctionSettings(
                memory,
                timeout,
                reserved,
                streaming,
                snapStart,
                layerVersion,
                warmUp,
                prompt,
                maxTokens,
                temperature,
                modelTimeout);
    }

    private static int webAdapterLayerVersion(Settings function) {
        String key = "webAdapterLayerVersion";
        int version = between(function, key, 1, 10_000, "(the Lambda Web Adapter layer version)");
        if (version < MIN_WEB_ADAPTER_LAYER_VERSION) {
            throw function.invalid(
                    key,
                    "at least " + MIN_WEB_ADAPTER_LAYER_VERSION + " (Lambda Web Adapter v1.0.0; older layers are"
                            + " pre-releases, and 26 keeps a pooled connection across a SnapStart restore), e.g. "
                            + RECOMMENDED_WEB_ADAPTER_LAYER_VERSION + " (v1.1.0)",
                    version);
        }
        if (version == WITHDRAWN_WEB_ADAPTER_LAYER_VERSION) {
            throw new ConfigException(function.pathOf(key) + " " + version + " is a withdrawn layer (published by a"
                    + " release that was reverted): use " + RECOMMENDED_WEB_ADAPTER_LAYER_VERSION + " (v1.1.0) in"
                    + " cdk.json");
        }
        return version;
    }

    private static ApiThrottle api(Settings api) {
        api.allowOnly(API_KEYS);
        BigDecimal rate = api.number("throttleRatePerSecond", "a positive number of requests per second");
        if (rate.signum() <= 0) {
            throw api.invalid("throttleRatePerSecond", "a positive number of requests per second", rate);
        }
        int burst = between(api, "throttleBurst", 1, 1_000_000, "requests");
        if (BigDecimal.valueOf(burst).compareTo(rate) < 0) {
            throw api.invalid(
                    "throttleBurst",
                    "at least api.throttleRatePerSecond ("
                            + rate.stripTrailingZeros().toPlainString() + ")",
                    burst);
        }
        return new ApiThrottle(rate, burst);
    }

    private static ArtifactLifecycle artifacts(Settings artifacts) {
        artifacts.allowOnly(ARTIFACT_KEYS);
        int toInfrequentAccess = between(
                artifacts,
                "infrequentAccessAfterDays",
                MIN_INFREQUENT_ACCESS_DAYS,
                36_500,
                "days (S3 moves objects to Standard-IA after 30 days at the earliest)");
        int expiry = between(artifacts, "expireAfterDays", 1, 36_500, "days");
        if (expiry <= toInfrequentAccess) {
            throw artifacts.invalid(
                    "expireAfterDays",
                    "more than artifacts.infrequentAccessAfterDays (" + toInfrequentAccess + ")",
                    expiry);
        }
        int noncurrent = between(artifacts, "noncurrentVersionsExpireAfterDays", 1, 36_500, "days");
        return new ArtifactLifecycle(toInfrequentAccess, expiry, noncurrent);
    }

    /**
     * {@code context.modelPrices}, every entry validated (also those no environment allows), so that a wrong price
     * fails the synth of every environment.
     */
    private static PriceTable priceTable(Object value) {
        if (value == null) {
            throw new ConfigException("context.modelPrices is missing: add {\"takenOn\": \"YYYY-MM-DD\", \"source\":"
                    + " \"<where the prices come from>\", \"models\": {\"<model id>\": {\"inputPer1k\": <USD>,"
                    + " \"outputPer1k\": <USD>}}} with the on-demand price of every allowed model to cdk.json");
        }
        Settings table = Settings.of(MODEL_PRICES_KEY, value);
        table.allowOnly(PRICE_TABLE_KEYS);
        String dateRule = "the day the prices were read, as YYYY-MM-DD";
        String takenOn = table.string("takenOn", dateRule);
        if (!DATE.matcher(takenOn).matches()) {
            throw table.invalid("takenOn", dateRule, takenOn);
        }
        try {
            LocalDate.parse(takenOn);
        } catch (DateTimeParseException notADay) {
            throw table.invalid("takenOn", dateRule, takenOn);
        }
        String source = table.string("source", "where the prices come from: the price page's URL or a note");
        Settings models = table.object("models");
        Map<String, ModelPrice> prices = new LinkedHashMap<>();
        for (String id : models.keys()) {
            if (!ModelId.isWellFormed(id)) {
                throw new ConfigException(models.pathOf(id) + " is not a Bedrock model id (like amazon.nova-lite-v1:0)"
                        + " or inference profile id (like us.amazon.nova-lite-v1:0): " + Settings.FIX);
            }
            prices.put(id, price(models.object(id)));
        }
        return new PriceTable(takenOn, source, prices);
    }

    private static ModelPrice price(Settings price) {
        price.allowOnly(PRICE_KEYS);
        return new ModelPrice(
                usdPer1k(price, "inputPer1k"),
                usdPer1k(price, "outputPer1k"),
                price.has("cacheReadPer1k") ? Optional.of(usdPer1k(price, "cacheReadPer1k")) : Optional.empty(),
                price.has("cacheWritePer1k") ? Optional.of(usdPer1k(price, "cacheWritePer1k")) : Optional.empty());
    }

    private static BigDecimal usdPer1k(Settings price, String key) {
        String rule = "a price in US dollars per 1,000 tokens, 0 or more, like 0.00006";
        BigDecimal usd = price.number(key, rule);
        if (usd.signum() < 0) {
            throw price.invalid(key, rule, usd);
        }
        return usd.stripTrailingZeros();
    }

    /**
     * The price table of cdk.json.
     *
     * @param prices model or inference profile id → price, as listed
     */
    private record PriceTable(String takenOn, String source, Map<String, ModelPrice> prices) {
        /**
         * The prices of {@code allowed}: each id's own entry, else (for an inference profile) the entry of the
         * foundation model it runs on, as a profile costs what its model costs unless the price page says otherwise.
         */
        ModelPrices of(Settings models, List<String> allowed) {
            Map<String, ModelPrice> byModel = new LinkedHashMap<>();
            for (int i = 0; i < allowed.size(); i++) {
                String id = allowed.get(i);
                String foundationModel = ModelId.parse(id).foundationModelId();
                ModelPrice price = prices.containsKey(id) ? prices.get(id) : prices.get(foundationModel);
                if (price == null) {
                    String lookedFor = foundationModel.equals(id)
                            ? "'" + id + "'"
                            : "'" + id + "' or its model '" + foundationModel + "'";
                    throw new ConfigException(models.pathOf("allowed[" + i + "]") + " '" + id + "' has no price in"
                            + " context.modelPrices.models (no entry for " + lookedFor + "): add its on-demand prices"
                            + " per 1,000 tokens (inputPer1k, outputPer1k) there in cdk.json");
                }
                byModel.put(id, price);
            }
            return new ModelPrices(takenOn, source, byModel);
        }
    }

    private static Quota quota(Settings quota) {
        quota.allowOnly(QUOTA_KEYS);
        OptionalInt tokens = quota.has("dailyTokensPerUser")
                ? OptionalInt.of(between(
                        quota,
                        "dailyTokensPerUser",
                        1,
                        MAX_DAILY_TOKENS,
                        "tokens a person may use per day (or left out for no limit)"))
                : OptionalInt.empty();
        Optional<BigDecimal> usd = Optional.empty();
        if (quota.has("dailyUsdPerUser")) {
            String rule = "a positive number of US dollars a person may spend per day (or left out for no limit)";
            BigDecimal value = quota.number("dailyUsdPerUser", rule);
            if (value.signum() <= 0) {
                throw quota.invalid("dailyUsdPerUser", rule, value);
            }
            usd = Optional.of(value);
        }
        return new Quota(tokens, usd);
    }

    private static Budget budget(Settings budget) {
        budget.allowOnly(BUDGET_KEYS);
        List<BudgetAlert> alerts = Budget.DEFAULT.alerts();
        if (budget.has("alerts")) {
            List<Settings> entries = budget.objects(
                    "alerts", "a list of alerts like [{\"type\": \"ACTUAL\", \"percent\": 80}] (or [] for none)");
            if (entries.size() > MAX_BUDGET_ALERTS) {
                throw new ConfigException(budget.pathOf("alerts") + " has " + entries.size() + " alerts, AWS Budgets"
                        + " allows " + MAX_BUDGET_ALERTS + " per budget: remove some in cdk.json");
            }
            List<BudgetAlert> read = new ArrayList<>();
            for (Settings entry : entries) {
                entry.allowOnly(BUDGET_ALERT_KEYS);
                String typeRule = "ACTUAL or FORECASTED";
                String typeName = entry.string("type", typeRule);
                SpendType type = Stream.of(SpendType.values())
                        .filter(candidate -> candidate.name().equals(typeName))
                        .findFirst()
                        .orElseThrow(() -> entry.invalid("type", typeRule, typeName));
                BudgetAlert alert = new BudgetAlert(type, percent(entry, "percent"));
                for (BudgetAlert earlier : read) {
                    if (earlier.type() == alert.type() && earlier.percent().compareTo(alert.percent()) == 0) {
                        throw new ConfigException(entry.path() + " repeats the " + type + " alert at "
                                + EnvironmentConfig.plain(alert.percent()) + " %: list each alert once in cdk.json");
                    }
                }
                read.add(alert);
            }
            alerts = read;
        }
        BigDecimal actionPercent =
                budget.has("actionPercent") ? percent(budget, "actionPercent") : Budget.DEFAULT.actionPercent();
        Approval approval = Budget.DEFAULT.approval();
        if (budget.has("approval")) {
            String rule = "automatic (the guard applies itself) or manual (an operator approves it)";
            String value = budget.string("approval", rule);
            approval = Stream.of(Approval.values())
                    .filter(candidate -> candidate.value().equals(value))
                    .findFirst()
                    .orElseThrow(() -> budget.invalid("approval", rule, value));
        }
        return new Budget(alerts, actionPercent, approval);
    }

    private static BigDecimal percent(Settings settings, String key) {
        String rule = "a share of budgetUsd in percent, more than 0 and at most " + MAX_BUDGET_PERCENT;
        BigDecimal percent = settings.number(key, rule);
        if (percent.signum() <= 0 || percent.compareTo(BigDecimal.valueOf(MAX_BUDGET_PERCENT)) > 0) {
            throw settings.invalid(key, rule, percent);
        }
        return percent;
    }

    private static IamAuth iamAuth(Settings api) {
        boolean enabled = api.has("iamAuth")
                && api.bool(
                        "iamAuth",
                        "true (/v1 takes AWS Signature Version 4 through API Gateway's IAM authorization) or false");
        if (!api.has("iamPrincipals")) {
            return new IamAuth(enabled, List.of());
        }
        if (!enabled) {
            throw new ConfigException(api.pathOf("iamPrincipals") + " applies only with api.iamAuth true: remove it or"
                    + " set api.iamAuth to true in cdk.json");
        }
        String rule = "a non-empty list of IAM ARNs like arn:aws:iam::123456789012:role/ci (or left out for this"
                + " account's principals)";
        List<String> principals = api.strings("iamPrincipals", rule);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < principals.size(); i++) {
            String arn = principals.get(i);
            if (!IAM_PRINCIPAL.matcher(arn).matches()) {
                throw new ConfigException(api.pathOf("iamPrincipals") + "[" + i + "] must be the ARN of an account"
                        + " root, a role or a user, like arn:aws:iam::123456789012:role/ci (got '" + arn + "'): "
                        + Settings.FIX);
            }
            if (!seen.add(arn)) {
                throw new ConfigException(api.pathOf("iamPrincipals") + "[" + i + "] repeats '" + arn + "': list each"
                        + " principal once in cdk.json");
            }
        }
        return new IamAuth(true, principals);
    }

    private static int between(Settings settings, String key, int min, int max, String unit) {
        String rule = "a whole number from " + min + " to " + max + " " + unit;
        int value = settings.integer(key, rule);
        if (value < min || value > max) {
            throw settings.invalid(key, rule, value);
        }
        return value;
    }

    /** {@code logRetentionDays} of {@code settings}: a retention CloudWatch Logs offers. */
    static int logRetentionDays(Settings settings) {
        String rule = "a number of days CloudWatch Logs accepts ("
                + LogRetention.allowedDays().stream().map(String::valueOf).collect(Collectors.joining(", ")) + ")";
        int retention = settings.integer("logRetentionDays", rule);
        if (!LogRetention.isAllowed(retention)) {
            throw settings.invalid("logRetentionDays", rule, retention);
        }
        return retention;
    }

    static void requireRegion(Settings settings, String key, String region) {
        if (!REGION.matcher(region).matches()) {
            throw settings.invalid(key, "an AWS Region code like us-east-1", region);
        }
    }
}
