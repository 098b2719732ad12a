package dev.bedrockchat.infra.config;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Everything that differs between dev, staging and prod, read from {@code context.environments.<name>} of
 * cdk.json by {@link EnvironmentConfigLoader} and validated there. Immutable.
 *
 * @param name               the environment name (dev, staging, prod, ...)
 * @param production         whether this environment serves the real users (prod); it changes defaults such as
 *                           {@link FunctionSettings#warmUp()}
 * @param account            the AWS account; empty means the CLI's default account (laptop deploys); a pipeline
 *                           stage of such an environment takes its account from the stage, see {@link #inAccount}
 * @param region             the AWS Region of every stack
 * @param availabilityZones  the two Availability Zones of the VPC, by default the Region's {@code a} and {@code b};
 *                           they must offer the Bedrock Runtime endpoint, which not every zone of every account
 *                           does: list the zones that offer it with {@code aws ec2 describe-vpc-endpoint-services
 *                           --service-names com.amazonaws.<region>.bedrock-runtime} and set two of them
 * @param models             the Bedrock models the function may call
 * @param function           the chat function's settings
 * @param api                the API's throttling
 * @param artifacts          the lifecycle of stored artifacts
 * @param alarmEmail         where alarms and budget notifications go
 * @param budgetUsd          the monthly cost budget in US dollars
 * @param logRetentionDays   how long every log group keeps its events
 * @param retainDataOnDelete whether buckets and logs survive a {@code cdk destroy} (staging, prod); it also turns on
 *                           termination protection and any deletion protection, so that off means destroyable
 * @param customDomain       the page's own domain name; empty serves it on the CloudFront domain
 * @param apiGatewayAccountRole whether this environment sets the account's API Gateway CloudWatch role
 *                           ({@code AWS::ApiGateway::Account}), one setting per account and Region: exactly one
 *                           environment of an account may set it
 * @param cloudTrail         whether this environment records its Region's API calls in a CloudTrail trail of its own
 * @param auth               how people sign in, see {@link Auth}
 * @param waf                the optional AWS WAF web ACL in front of CloudFront
 * @param prices             the on-demand prices of the allowed models, from cdk.json's {@code context.modelPrices}
 * @param quota              each person's daily limits, none by default
 * @param budget             the budget's e-mail alerts and its guard (a budget action that stops Bedrock calls)
 * @param iamAuth            whether {@code /v1} takes AWS Signature Version 4 (IAM) instead of the function's own
 *                           checks
 * @param delivery           how the pipeline promotes a build into this environment
 * @param privateCopy        the name of a private copy of this environment ({@code -c stage=NAME}): its stacks and
 *                           every name derived from them carry it, see {@link #asPrivateCopy}; empty for the
 *                           environment itself
 */
public record EnvironmentConfig(
        String name,
        boolean production,
        Optional<String> account,
        String region,
        List<String> availabilityZones,
        Models models,
        FunctionSettings function,
        ApiThrottle api,
        ArtifactLifecycle artifacts,
        String alarmEmail,
        BigDecimal budgetUsd,
        int logRetentionDays,
        boolean retainDataOnDelete,
        Optional<CustomDomain> customDomain,
        boolean apiGatewayAccountRole,
        boolean cloudTrail,
        Auth auth,
        Waf waf,
        ModelPrices prices,
        Quota quota,
        Budget budget,
        IamAuth iamAuth,
        Delivery delivery,
        Optional<String> privateCopy) {

    public EnvironmentConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(region, "region");
        availabilityZones = List.copyOf(availabilityZones);
        Objects.requireNonNull(models, "models");
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(artifacts, "artifacts");
        Objects.requireNonNull(alarmEmail, "alarmEmail");
        Objects.requireNonNull(budgetUsd, "budgetUsd");
        Objects.requireNonNull(customDomain, "customDomain");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(waf, "waf");
        Objects.requireNonNull(prices, "prices");
        Objects.requireNonNull(quota, "quota");
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(iamAuth, "iamAuth");
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(privateCopy, "privateCopy");
    }

    /** The name as used in stack names and titles: {@code dev} → {@code Dev}. */
    public String title() {
        return capitalised(name);
    }

    /**
     * The prefix of every stack of this environment, e.g. {@code Chat-Dev}, or {@code Chat-Dev-Alice} for its private
     * copy {@code alice}. Names that must be unique in an account (the function's role, ...) start with it.
     */
    public String stackPrefix() {
        return "Chat-" + title()
                + privateCopy.map(copy -> "-" + capitalised(copy)).orElse("");
    }

    /**
     * The prefix of the Cognito managed login domain ({@code <prefix>.auth.<region>.amazoncognito.com}):
     * {@link Auth#domainPrefix()} when set, else {@code chat-}, the {@link #deploymentName()} and the account, e.g.
     * {@code chat-dev-111122223333} or {@code chat-dev-alice-111122223333}, as the prefix must be unique among all
     * accounts of the Region.
     *
     * @param account the account id (or the deploy-time token of the stack's account)
     */
    public String domainPrefix(String account) {
        return auth.domainPrefix().orElseGet(() -> "chat-" + deploymentName() + "-" + account);
    }

    /**
     * The name of this deployment in resource names, descriptions and titles: the environment's name ({@code dev}),
     * or with a private copy's name ({@code dev-alice}). Every resource name that must be unique in an account or
     * Region (dashboard, budget, API, user pool domain, ...) is made from it, so a private copy clashes with nothing.
     */
    public String deploymentName() {
        return name + privateCopy.map(copy -> "-" + copy).orElse("");
    }

    /**
     * A private copy of this environment for a branch or a person, deployed beside it under other stack names: the
     * same settings, except that it owns none of the account's singletons (the API Gateway CloudWatch role stays with
     * the environment; no trail, no custom domain, which only one distribution may serve, and no chosen managed login
     * domain prefix, which only one user pool may hold: the copy's is derived, see {@link #domainPrefix}) and that
     * everything is destroyable (no retained data, no termination or deletion protection).
     *
     * @param copy the copy's name, already validated (lowercase letters and digits)
     */
    public EnvironmentConfig asPrivateCopy(String copy) {
        return new EnvironmentConfig(
                name,
                production,
                account,
                region,
                availabilityZones,
                models,
                function,
                api,
                artifacts,
                alarmEmail,
                budgetUsd,
                logRetentionDays,
                false,
                Optional.empty(),
                false,
                false,
                new Auth(auth.mode(), auth.selfSignUp(), auth.mfa(), Optional.empty(), auth.federation()),
                waf,
                prices,
                quota,
                budget,
                iamAuth,
                delivery,
                Optional.of(copy));
    }

    /**
     * This environment deployed into {@code account}: a pipeline stage of an environment that names no account of its
     * own (a laptop deploys it into the account of the current credentials), see {@code PipelineConfigLoader}.
     *
     * @param account the 12-digit account id, already validated
     */
    public EnvironmentConfig inAccount(String account) {
        return new EnvironmentConfig(
                name,
                production,
                Optional.of(account),
                region,
                availabilityZones,
                models,
                function,
                api,
                artifacts,
                alarmEmail,
                budgetUsd,
                logRetentionDays,
                retainDataOnDelete,
                customDomain,
                apiGatewayAccountRole,
                cloudTrail,
                auth,
                waf,
                prices,
                quota,
                budget,
                iamAuth,
                delivery,
                privateCopy);
    }

    private static String capitalised(String word) {
        return word.substring(0, 1).toUpperCase(Locale.ROOT) + word.substring(1);
    }

    /**
     * How the pipeline promotes a build into this environment.
     *
     * @param approval  whether a person approves the promotion before the environment is deployed (default: only in
     *                  production)
     * @param smokeChat whether the smoke test after the deployment also has one short chat through CloudFront (off by
     *                  default: with sign-in the chat answers no anonymous caller)
     */
    public record Delivery(boolean approval, boolean smokeChat) {}

    /**
     * The Bedrock models.
     *
     * @param defaultModelId          the model used when a request names none
     * @param allowedModelIds         every model a request may choose (the default among them)
     * @param inferenceProfileRegions for each geographic inference-profile prefix ({@code us}, {@code eu},
     *                                {@code apac}, ...), the Regions its profiles route requests to by default
     * @param destinationRegions      for allowed geographic inference profiles whose Regions differ from their
     *                                prefix's default, the Regions that profile routes to (profiles of different
     *                                models route to different Regions)
     */
    public record Models(
            String defaultModelId,
            List<String> allowedModelIds,
            Map<String, List<String>> inferenceProfileRegions,
            Map<String, List<String>> destinationRegions) {
        public Models {
            Objects.requireNonNull(defaultModelId, "defaultModelId");
            allowedModelIds = List.copyOf(allowedModelIds);
            inferenceProfileRegions = sortedCopy(inferenceProfileRegions);
            destinationRegions = sortedCopy(destinationRegions);
        }

        /** Models without per-profile Regions: every geographic profile routes to its prefix's Regions. */
        public Models(
                String defaultModelId,
                List<String> allowedModelIds,
                Map<String, List<String>> inferenceProfileRegions) {
            this(defaultModelId, allowedModelIds, inferenceProfileRegions, Collections.emptyMap());
        }

        /**
         * The Regions the geographic inference profile {@code profileId} routes to: its own entry of
         * {@link #destinationRegions}, else the Regions of its prefix; empty when neither is configured.
         */
        public List<String> destinationRegionsOf(String profileId, String prefix) {
            List<String> own = destinationRegions.get(profileId);
            return own != null ? own : inferenceProfileRegions.getOrDefault(prefix, List.of());
        }

        private static Map<String, List<String>> sortedCopy(Map<String, List<String>> lists) {
            Map<String, List<String>> copy = new TreeMap<>();
            lists.forEach((key, list) -> copy.put(key, List.copyOf(list)));
            return Collections.unmodifiableMap(copy);
        }
    }

    /**
     * The chat function.
     *
     * @param memoryMb               memory in MB (also sets the CPU share)
     * @param timeoutSeconds         the invocation timeout, which also bounds a streamed answer
     * @param reservedConcurrency    the reserved concurrency; empty leaves the function unreserved
     * @param streaming              true: token-by-token answers through the Lambda Web Adapter and a STREAM
     *                               integration; false: buffered answers through the plain Java handler
     * @param snapStart              whether published versions use SnapStart
     * @param webAdapterLayerVersion the version of the Lambda Web Adapter layer (used when streaming)
     * @param warmUp                 whether a daily scheduled call keeps the published SnapStart version active
     *                               (Lambda deactivates a version that is not called for 14 days)
     * @param systemPrompt           the system prompt sent with every conversation
     * @param maxTokens              the most tokens a model may answer with
     * @param temperature            the sampling temperature
     * @param modelTimeoutSeconds    how long the function waits for the model's next event (the stream's idle
     *                               timeout) before it answers ModelTimeout; less than {@code timeoutSeconds} and
     *                               within CloudFront's read timeout (streaming) or API Gateway's buffered
     *                               integration limit, see {@link ServiceLimits}
     */
    public record FunctionSettings(
            int memoryMb,
            int timeoutSeconds,
            OptionalInt reservedConcurrency,
            boolean streaming,
            boolean snapStart,
            int webAdapterLayerVersion,
            boolean warmUp,
            String systemPrompt,
            int maxTokens,
            BigDecimal temperature,
            int modelTimeoutSeconds) {
        public FunctionSettings {
            Objects.requireNonNull(reservedConcurrency, "reservedConcurrency");
            Objects.requireNonNull(systemPrompt, "systemPrompt");
            Objects.requireNonNull(temperature, "temperature");
        }
    }

    /**
     * The API's stage-wide throttling.
     *
     * @param ratePerSecond steady-state requests per second
     * @param burst         the most requests at once
     */
    public record ApiThrottle(BigDecimal ratePerSecond, int burst) {
        public ApiThrottle {
            Objects.requireNonNull(ratePerSecond, "ratePerSecond");
        }
    }

    /**
     * What happens to objects under {@code artifacts/} of the artifact bucket.
     *
     * @param infrequentAccessAfterDays         days until they move to S3 Standard-IA
     * @param expireAfterDays                   days until they are deleted
     * @param noncurrentVersionsExpireAfterDays days an overwritten or deleted version is kept (whole bucket)
     */
    public record ArtifactLifecycle(
            int infrequentAccessAfterDays, int expireAfterDays, int noncurrentVersionsExpireAfterDays) {}

    /**
     * A domain name of the page, served by CloudFront with TLS 1.2 or newer.
     *
     * @param name           the domain name, e.g. chat.example.com (its DNS record is managed outside the app)
     * @param certificateArn an ACM certificate for the name in us-east-1, as CloudFront requires
     */
    public record CustomDomain(String name, String certificateArn) {
        public CustomDomain {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(certificateArn, "certificateArn");
        }
    }

    /** How the function tells who is calling. */
    public enum AuthMode {
        /** Anyone with the page may chat: nothing is protected (outside production only). */
        NONE,
        /** One shared bearer token, generated by the stack and kept in Secrets Manager. */
        TOKEN,
        /** Each person signs in (Cognito in AWS) and has conversations of their own. */
        OIDC;

        /** The value of cdk.json and of the function's {@code AUTH_MODE}: {@code none}, {@code token}, {@code oidc}. */
        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Multi-factor authentication of the user pool: off, offered, or required (an authenticator app). */
    public enum Mfa {
        OFF,
        OPTIONAL,
        REQUIRED;

        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Sign-in.
     *
     * @param mode         how callers are told apart
     * @param selfSignUp   whether anyone may create an account on the managed login page (oidc); otherwise an
     *                     operator adds each person
     * @param mfa          the user pool's multi-factor authentication (oidc)
     * @param domainPrefix the managed login domain's prefix; empty derives it, see
     *                     {@link EnvironmentConfig#domainPrefix(String)}
     * @param federation   an identity provider people may sign in with instead of a user pool password (oidc)
     */
    public record Auth(
            AuthMode mode,
            boolean selfSignUp,
            Mfa mfa,
            Optional<String> domainPrefix,
            Optional<Federation> federation) {
        public Auth {
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(mfa, "mfa");
            Objects.requireNonNull(domainPrefix, "domainPrefix");
            Objects.requireNonNull(federation, "federation");
        }

        /** {@code mode} with the defaults of every other setting. */
        public static Auth of(AuthMode mode) {
            return new Auth(mode, false, Mfa.OPTIONAL, Optional.empty(), Optional.empty());
        }
    }

    /** An identity provider of the user pool, by the name the managed login page shows. */
    public sealed interface Federation permits OidcFederation, SamlFederation {
        String name();
    }

    /**
     * An OpenID Connect provider.
     *
     * @param name             the provider's name in the user pool (and on the managed login page)
     * @param issuer           its issuer URL
     * @param clientId         the client id the provider issued for the user pool
     * @param clientSecretName the name of the Secrets Manager secret holding that client's secret (a plain string),
     *                         which the template refers to and never contains
     */
    public record OidcFederation(String name, String issuer, String clientId, String clientSecretName)
            implements Federation {
        public OidcFederation {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(issuer, "issuer");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(clientSecretName, "clientSecretName");
        }
    }

    /**
     * A SAML 2.0 provider.
     *
     * @param name        the provider's name in the user pool (and on the managed login page)
     * @param metadataUrl the address of its metadata document
     */
    public record SamlFederation(String name, String metadataUrl) implements Federation {
        public SamlFederation {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(metadataUrl, "metadataUrl");
        }
    }

    /**
     * The AWS WAF web ACL of the CloudFront distribution.
     *
     * @param enabled              whether there is one
     * @param rateLimitPer5Minutes the most requests one client IP address may make in any 5 minutes before it is
     *                             blocked for a while (0 when not configured)
     */
    public record Waf(boolean enabled, int rateLimitPer5Minutes) {
        public static final Waf DISABLED = new Waf(false, 0);
    }

    /**
     * The on-demand prices of the allowed models in US dollars per 1,000 tokens, as the function gets them
     * ({@code MODEL_PRICES}, {@code MODEL_PRICES_TAKEN_ON}).
     *
     * @param takenOn the day the prices were read from the price page, {@code YYYY-MM-DD}
     * @param source  where they were read (a URL or a note)
     * @param byModel each allowed model (or inference profile) id with its price, in the order of
     *                {@code models.allowed}
     */
    public record ModelPrices(String takenOn, String source, Map<String, ModelPrice> byModel) {
        public ModelPrices {
            Objects.requireNonNull(takenOn, "takenOn");
            Objects.requireNonNull(source, "source");
            byModel = Collections.unmodifiableMap(new LinkedHashMap<>(byModel));
        }

        /**
         * The prices as one compact JSON object, {@code {"<id>":{"inputPer1k":…,"outputPer1k":…}}}: the models in
         * the order of {@link #byModel}, each price's fields in the order of {@link ModelPrice}, numbers in plain
         * decimal notation.
         */
        public String json() {
            return byModel.entrySet().stream()
                    .map(entry ->
                            quoted(entry.getKey()) + ":" + entry.getValue().json())
                    .collect(Collectors.joining(",", "{", "}"));
        }

        static String quoted(String text) {
            return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
    }

    /**
     * What 1,000 tokens of one model cost in US dollars, on demand.
     *
     * @param inputPer1k      input tokens
     * @param outputPer1k     output tokens
     * @param cacheReadPer1k  input tokens read from the prompt cache, where the model has a price for them
     * @param cacheWritePer1k input tokens written to the prompt cache, where the model has a price for them
     */
    public record ModelPrice(
            BigDecimal inputPer1k,
            BigDecimal outputPer1k,
            Optional<BigDecimal> cacheReadPer1k,
            Optional<BigDecimal> cacheWritePer1k) {
        public ModelPrice {
            Objects.requireNonNull(inputPer1k, "inputPer1k");
            Objects.requireNonNull(outputPer1k, "outputPer1k");
            Objects.requireNonNull(cacheReadPer1k, "cacheReadPer1k");
            Objects.requireNonNull(cacheWritePer1k, "cacheWritePer1k");
        }

        String json() {
            StringBuilder json = new StringBuilder("{\"inputPer1k\":")
                    .append(plain(inputPer1k))
                    .append(",\"outputPer1k\":")
                    .append(plain(outputPer1k));
            cacheReadPer1k.ifPresent(
                    price -> json.append(",\"cacheReadPer1k\":").append(plain(price)));
            cacheWritePer1k.ifPresent(
                    price -> json.append(",\"cacheWritePer1k\":").append(plain(price)));
            return json.append('}').toString();
        }
    }

    /** A number as cdk.json and the function's environment write it: plain decimals, no exponent, no trailing 0. */
    public static String plain(BigDecimal number) {
        return number.signum() == 0 ? "0" : number.stripTrailingZeros().toPlainString();
    }

    /**
     * Each person's daily limits (UTC days), checked by the function before it calls a model
     * ({@code USER_DAILY_TOKEN_QUOTA}, {@code USER_DAILY_USD_QUOTA}).
     *
     * @param dailyTokensPerUser the most tokens (input and output) one person may use in a day; empty: no limit
     * @param dailyUsdPerUser    the most estimated US dollars one person may spend in a day; empty: no limit
     */
    public record Quota(OptionalInt dailyTokensPerUser, Optional<BigDecimal> dailyUsdPerUser) {
        public static final Quota NONE = new Quota(OptionalInt.empty(), Optional.empty());

        public Quota {
            Objects.requireNonNull(dailyTokensPerUser, "dailyTokensPerUser");
            Objects.requireNonNull(dailyUsdPerUser, "dailyUsdPerUser");
        }
    }

    /** What a budget alert compares with its threshold, as AWS Budgets names it. */
    public enum SpendType {
        /** The spend so far this month. */
        ACTUAL,
        /** The spend AWS forecasts for the whole month. */
        FORECASTED
    }

    /**
     * An e-mail when spend passes a share of the budget.
     *
     * @param type    actual or forecast spend
     * @param percent the share of {@code budgetUsd}
     */
    public record BudgetAlert(SpendType type, BigDecimal percent) {
        public BudgetAlert {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(percent, "percent");
        }
    }

    /** Whether the budget guard applies itself or waits for an operator to approve it. */
    public enum Approval {
        AUTOMATIC,
        MANUAL;

        /** The value of cdk.json: {@code automatic}, {@code manual}. */
        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The monthly budget's alerts and its guard.
     *
     * @param alerts        the e-mail alerts, by default 80 % of actual and 100 % of forecast spend
     * @param actionPercent the share of {@code budgetUsd} of actual spend at which the guard denies the function
     *                      every Bedrock call for the rest of the month (by default 100)
     * @param approval      whether the guard applies itself (default) or waits for an operator
     */
    public record Budget(List<BudgetAlert> alerts, BigDecimal actionPercent, Approval approval) {
        public static final Budget DEFAULT = new Budget(
                List.of(
                        new BudgetAlert(SpendType.ACTUAL, BigDecimal.valueOf(80)),
                        new BudgetAlert(SpendType.FORECASTED, BigDecimal.valueOf(100))),
                BigDecimal.valueOf(100),
                Approval.AUTOMATIC);

        public Budget {
            alerts = List.copyOf(alerts);
            Objects.requireNonNull(actionPercent, "actionPercent");
            Objects.requireNonNull(approval, "approval");
        }
    }

    /**
     * IAM authorization of {@code /v1}: API Gateway verifies the caller's AWS Signature Version 4 and a resource
     * policy lets in only the listed principals.
     *
     * @param enabled    whether {@code /v1} uses AWS_IAM authorization
     * @param principals the IAM principals (ARNs) that may call {@code /v1}; empty: every principal of the account
     *                   whose own policies allow it
     */
    public record IamAuth(boolean enabled, List<String> principals) {
        public static final IamAuth DISABLED = new IamAuth(false, List.of());

        public IamAuth {
            principals = List.copyOf(principals);
        }
    }
}
