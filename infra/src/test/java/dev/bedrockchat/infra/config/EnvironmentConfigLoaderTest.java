package dev.bedrockchat.infra.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.bedrockchat.infra.support.CdkJson;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EnvironmentConfigLoaderTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSettings")
    void everyBadSettingIsNamedWithItsFixOnOneLine(
            String setting, Consumer<Map<String, Object>> breakIt, String expectedMessage) {
        Map<String, Object> environments = environments();
        breakIt.accept(env(environments, "prod"));

        assertThatThrownBy(() -> EnvironmentConfigLoader.load("prod", environments, profileRegions(), modelPrices()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(expectedMessage)
                .satisfies(problem -> assertThat(problem.getMessage()).doesNotContain("\n"))
                .satisfies(problem -> assertThat(problem.getStackTrace()).isEmpty());
    }

    static Stream<Arguments> badSettings() {
        return Stream.of(
                arguments(
                        "budgetUsd negative",
                        set("budgetUsd", -5),
                        "environments.prod.budgetUsd must be a positive number of US dollars (got -5): fix it in"
                                + " cdk.json"),
                arguments(
                        "budgetUsd zero",
                        set("budgetUsd", 0),
                        "environments.prod.budgetUsd must be a positive number of US dollars (got 0): fix it in"
                                + " cdk.json"),
                arguments(
                        "budgetUsd text",
                        set("budgetUsd", "lots"),
                        "environments.prod.budgetUsd must be a positive number of US dollars (got 'lots'): fix it in"
                                + " cdk.json"),
                arguments(
                        "budgetUsd missing",
                        remove("budgetUsd"),
                        "environments.prod.budgetUsd is missing: set it to a positive number of US dollars in"
                                + " cdk.json"),
                arguments(
                        "alarmEmail",
                        set("alarmEmail", "ops-at-example.com"),
                        "environments.prod.alarmEmail must be one e-mail address like ops@example.com (got"
                                + " 'ops-at-example.com'): fix it in cdk.json"),
                arguments(
                        "alarmEmail list",
                        set("alarmEmail", "a@example.com,b@example.com"),
                        "environments.prod.alarmEmail must be one e-mail address like ops@example.com (got"
                                + " 'a@example.com,b@example.com'): fix it in cdk.json"),
                arguments(
                        "region",
                        set("region", "US East"),
                        "environments.prod.region must be an AWS Region code like us-east-1 (got 'US East'): fix it"
                                + " in cdk.json"),
                arguments(
                        "account",
                        set("account", "1234"),
                        "environments.prod.account must be a 12-digit AWS account id (or left out to use the CLI's"
                                + " account) (got '1234'): fix it in cdk.json"),
                arguments(
                        "availabilityZones of another Region",
                        set("availabilityZones", List.of("us-east-1a", "eu-west-1b")),
                        "environments.prod.availabilityZones must be two Availability Zones of us-east-1 like"
                                + " us-east-1a (got 'eu-west-1b'): fix it in cdk.json"),
                arguments(
                        "unknown setting",
                        set("budgetUSD", 5),
                        "environments.prod.budgetUSD is not a known setting (known: account, alarmEmail, api,"
                                + " apiGatewayAccountRole, approval, artifacts, auth, availabilityZones, budget,"
                                + " budgetUsd, cloudTrail, customDomain, function, logRetentionDays, models, production,"
                                + " quota, region, retainDataOnDelete, smokeChat, waf): fix it in cdk.json"),
                arguments(
                        "approval",
                        set("approval", "yes"),
                        "environments.prod.approval must be true (a person approves each promotion into it) or false"
                                + " (got 'yes'): fix it in cdk.json"),
                arguments(
                        "smokeChat",
                        set("smokeChat", 1),
                        "environments.prod.smokeChat must be true (the smoke test after each deployment chats once) or"
                                + " false (got 1): fix it in cdk.json"),
                arguments(
                        "malformed model id",
                        in("models", set("allowed", List.of("nova lite"))),
                        "environments.prod.models.allowed[0] must be a Bedrock model id like amazon.nova-lite-v1:0"
                                + " or an inference profile id like us.amazon.nova-lite-v1:0 (got 'nova lite'): fix it"
                                + " in cdk.json"),
                arguments(
                        "wildcard model id",
                        in("models", set("allowed", List.of("amazon.*"))),
                        "environments.prod.models.allowed[0] must be a Bedrock model id like amazon.nova-lite-v1:0"
                                + " or an inference profile id like us.amazon.nova-lite-v1:0 (got 'amazon.*'): fix it"
                                + " in cdk.json"),
                arguments(
                        "model ARN instead of id",
                        in(
                                "models",
                                set("default", "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0")),
                        "environments.prod.models.default must be a Bedrock model id like amazon.nova-lite-v1:0 or an"
                                + " inference profile id like us.amazon.nova-lite-v1:0 (got"
                                + " 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0'): fix it in"
                                + " cdk.json"),
                arguments(
                        "default not allowed",
                        in("models", set("default", "amazon.titan-text-express-v1")),
                        "environments.prod.models.default 'amazon.titan-text-express-v1' is not in"
                                + " environments.prod.models.allowed (us.amazon.nova-lite-v1:0,"
                                + " us.amazon.nova-pro-v1:0): add it there or pick one of them in cdk.json"),
                arguments(
                        "unknown profile prefix",
                        in(
                                "models",
                                set(
                                        "allowed",
                                        List.of(
                                                "us.amazon.nova-lite-v1:0",
                                                "jp.anthropic.claude-3-haiku-20240307-v1:0"))),
                        "environments.prod.models.allowed[1] 'jp.anthropic.claude-3-haiku-20240307-v1:0' uses"
                                + " inference-profile prefix 'jp' that context.inferenceProfileRegions does not list"
                                + " (known: us, eu, global): add its Regions there or under models.destinationRegions"
                                + " in cdk.json"),
                arguments(
                        "repeated model",
                        in("models", set("allowed", List.of("us.amazon.nova-lite-v1:0", "us.amazon.nova-lite-v1:0"))),
                        "environments.prod.models.allowed[1] repeats 'us.amazon.nova-lite-v1:0': list each model once"
                                + " in cdk.json"),
                arguments(
                        "empty model list",
                        in("models", set("allowed", List.of())),
                        "environments.prod.models.allowed must be a non-empty list of Bedrock model ids (got an"
                                + " empty list): fix it in cdk.json"),
                arguments(
                        "throttle burst below rate",
                        in("api", set("throttleBurst", 10)),
                        "environments.prod.api.throttleBurst must be at least api.throttleRatePerSecond (50) (got"
                                + " 10): fix it in cdk.json"),
                arguments(
                        "throttle rate",
                        in("api", set("throttleRatePerSecond", 0)),
                        "environments.prod.api.throttleRatePerSecond must be a positive number of requests per"
                                + " second (got 0): fix it in cdk.json"),
                arguments(
                        "log retention",
                        set("logRetentionDays", 10),
                        "environments.prod.logRetentionDays must be a number of days CloudWatch Logs accepts (1, 3,"
                                + " 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,"
                                + " 2922, 3288, 3653) (got 10): fix it in cdk.json"),
                arguments(
                        "memory",
                        in("function", set("memoryMb", 64)),
                        "environments.prod.function.memoryMb must be a whole number from 128 to 10240 MB (got 64):"
                                + " fix it in cdk.json"),
                arguments(
                        "timeout",
                        in("function", set("timeoutSeconds", 1200)),
                        "environments.prod.function.timeoutSeconds must be a whole number from 1 to 900 seconds"
                                + " (got 1200): fix it in cdk.json"),
                arguments(
                        "fractional memory",
                        in("function", set("memoryMb", 1024.5)),
                        "environments.prod.function.memoryMb must be a whole number from 128 to 10240 MB (got"
                                + " 1024.5): fix it in cdk.json"),
                arguments(
                        "model timeout beyond function timeout",
                        in("function", set("modelTimeoutSeconds", 300)),
                        "environments.prod.function.modelTimeoutSeconds must be less than function.timeoutSeconds"
                                + " (300) so the function can answer before Lambda stops it (got 300): fix it in"
                                + " cdk.json"),
                arguments(
                        "function timeout not above model timeout",
                        in("function", set("timeoutSeconds", 40).andThen(set("modelTimeoutSeconds", 45))),
                        "environments.prod.function.modelTimeoutSeconds must be less than function.timeoutSeconds"
                                + " (40) so the function can answer before Lambda stops it (got 45): fix it in"
                                + " cdk.json"),
                arguments(
                        "streamed model timeout racing CloudFront",
                        in("function", set("modelTimeoutSeconds", 51)),
                        "environments.prod.function.modelTimeoutSeconds must be at most 50 when streaming,"
                                + " CloudFront's 60-second origin read timeout less 10 seconds, so the browser gets"
                                + " the API's ModelTimeout event instead of CloudFront's error page (got 51): fix it"
                                + " in cdk.json"),
                arguments(
                        "buffered model timeout racing API Gateway",
                        in("function", set("streaming", false).andThen(set("modelTimeoutSeconds", 29))),
                        "environments.prod.function.modelTimeoutSeconds must be less than 29 when"
                                + " function.streaming is false, API Gateway's limit for a buffered integration, so"
                                + " the browser gets the API's ModelTimeout error instead of API Gateway's (got 29):"
                                + " fix it in cdk.json"),
                arguments(
                        "temperature",
                        in("function", set("temperature", 1.5)),
                        "environments.prod.function.temperature must be a number from 0 to 1 (got 1.5): fix it in"
                                + " cdk.json"),
                arguments(
                        "reserved concurrency",
                        in("function", set("reservedConcurrency", 0)),
                        "environments.prod.function.reservedConcurrency must be a whole number of at least 1 (or"
                                + " left out for no reservation) (got 0): fix it in cdk.json"),
                arguments(
                        "streaming flag",
                        in("function", set("streaming", "yes")),
                        "environments.prod.function.streaming must be true (answers streamed token by token) or"
                                + " false (got 'yes'): fix it in cdk.json"),
                arguments(
                        "web adapter layer missing",
                        in("function", remove("webAdapterLayerVersion")),
                        "environments.prod.function.webAdapterLayerVersion is missing: set it to a whole number from"
                                + " 1 to 10000 (the Lambda Web Adapter layer version) in cdk.json"),
                arguments(
                        "web adapter release candidate",
                        in("function", set("webAdapterLayerVersion", 26)),
                        "environments.prod.function.webAdapterLayerVersion must be at least 27 (Lambda Web Adapter"
                                + " v1.0.0; older layers are pre-releases, and 26 keeps a pooled connection across a"
                                + " SnapStart restore), e.g. 30 (v1.1.0) (got 26): fix it in cdk.json"),
                arguments(
                        "withdrawn web adapter layer",
                        in("function", set("webAdapterLayerVersion", 29)),
                        "environments.prod.function.webAdapterLayerVersion 29 is a withdrawn layer (published by a"
                                + " release that was reverted): use 30 (v1.1.0) in cdk.json"),
                arguments(
                        "warm-up flag",
                        in("function", set("warmUp", "daily")),
                        "environments.prod.function.warmUp must be true (a daily call keeps the SnapStart version"
                                + " active) or false (got 'daily'): fix it in cdk.json"),
                arguments(
                        "production flag",
                        set("production", "yes"),
                        "environments.prod.production must be true (the environment of the real users) or false"
                                + " (got 'yes'): fix it in cdk.json"),
                arguments(
                        "API Gateway account role flag",
                        set("apiGatewayAccountRole", 1),
                        "environments.prod.apiGatewayAccountRole must be true (this environment sets the account's"
                                + " API Gateway CloudWatch role) or false (another environment or the account already"
                                + " sets it) (got 1): fix it in cdk.json"),
                arguments(
                        "CloudTrail flag",
                        set("cloudTrail", "on"),
                        "environments.prod.cloudTrail must be true (a CloudTrail trail of the environment's Region)"
                                + " or false (got 'on'): fix it in cdk.json"),
                arguments(
                        "destination Regions of a model that is not allowed",
                        in(
                                "models",
                                set(
                                        "destinationRegions",
                                        Map.of("us.amazon.nova-micro-v1:0", List.of("us-east-1", "us-west-2")))),
                        "environments.prod.models.destinationRegions[\"us.amazon.nova-micro-v1:0\"] names a model"
                                + " that is not in environments.prod.models.allowed (us.amazon.nova-lite-v1:0,"
                                + " us.amazon.nova-pro-v1:0): add it there or remove this entry in cdk.json"),
                arguments(
                        "destination Regions of a foundation model",
                        in(
                                "models",
                                set("allowed", List.of("us.amazon.nova-lite-v1:0", "amazon.nova-micro-v1:0"))
                                        .andThen(set(
                                                "destinationRegions",
                                                Map.of("amazon.nova-micro-v1:0", List.of("us-east-1"))))),
                        "environments.prod.models.destinationRegions[\"amazon.nova-micro-v1:0\"] is not a geographic"
                                + " inference profile (a foundation model runs in the environment's Region, a global"
                                + " profile in any commercial Region): remove this entry in cdk.json"),
                arguments(
                        "destination Regions of a global profile",
                        in(
                                "models",
                                set(
                                                "allowed",
                                                List.of(
                                                        "us.amazon.nova-lite-v1:0",
                                                        "global.anthropic.claude-haiku-4-5-20251001-v1:0"))
                                        .andThen(set(
                                                "destinationRegions",
                                                Map.of(
                                                        "global.anthropic.claude-haiku-4-5-20251001-v1:0",
                                                        List.of("us-east-1"))))),
                        "environments.prod.models.destinationRegions[\"global.anthropic.claude-haiku-4-5-20251001-v1:0\"]"
                                + " is not a geographic inference profile (a foundation model runs in the"
                                + " environment's Region, a global profile in any commercial Region): remove this"
                                + " entry in cdk.json"),
                arguments(
                        "malformed destination Region",
                        in(
                                "models",
                                set(
                                        "destinationRegions",
                                        Map.of("us.amazon.nova-pro-v1:0", List.of("us-east-1", "Oregon")))),
                        "environments.prod.models.destinationRegions[\"us.amazon.nova-pro-v1:0\"] must be an AWS"
                                + " Region code like us-east-1 (got 'Oregon'): fix it in cdk.json"),
                arguments(
                        "repeated destination Region",
                        in(
                                "models",
                                set(
                                        "destinationRegions",
                                        Map.of("us.amazon.nova-pro-v1:0", List.of("us-east-1", "us-east-1")))),
                        "environments.prod.models.destinationRegions[\"us.amazon.nova-pro-v1:0\"] repeats"
                                + " 'us-east-1': list each Region once in cdk.json"),
                arguments(
                        "empty destination Regions",
                        in("models", set("destinationRegions", Map.of("us.amazon.nova-pro-v1:0", List.of()))),
                        "environments.prod.models.destinationRegions[\"us.amazon.nova-pro-v1:0\"] must be a non-empty"
                                + " list of the Regions this profile routes to (got an empty list): fix it in"
                                + " cdk.json"),
                arguments(
                        "destination Regions not an object",
                        in("models", set("destinationRegions", List.of("us-east-1"))),
                        "environments.prod.models.destinationRegions must be a JSON object of settings (got a"
                                + " list): fix it in cdk.json"),
                arguments(
                        "system prompt too long",
                        in("function", set("systemPrompt", "x".repeat(3000))),
                        "environments.prod.function.systemPrompt must be at most 2048 characters, Lambda's"
                                + " environment holds 4 KB in all (got 3000): shorten it or ship a persona file with"
                                + " the function"),
                arguments(
                        "IA transition too early",
                        in("artifacts", set("infrequentAccessAfterDays", 7)),
                        "environments.prod.artifacts.infrequentAccessAfterDays must be a whole number from 30 to"
                                + " 36500 days (S3 moves objects to Standard-IA after 30 days at the earliest) (got 7):"
                                + " fix it in cdk.json"),
                arguments(
                        "expiry before IA",
                        in("artifacts", set("expireAfterDays", 30)),
                        "environments.prod.artifacts.expireAfterDays must be more than"
                                + " artifacts.infrequentAccessAfterDays (30) (got 30): fix it in cdk.json"),
                arguments(
                        "retain flag",
                        set("retainDataOnDelete", "true"),
                        "environments.prod.retainDataOnDelete must be true (keep buckets and logs on cdk destroy) or"
                                + " false (got 'true'): fix it in cdk.json"),
                arguments(
                        "custom domain certificate outside us-east-1",
                        set(
                                "customDomain",
                                Map.of(
                                        "name",
                                        "chat.example.com",
                                        "certificateArn",
                                        "arn:aws:acm:eu-west-1:111122223333:certificate/"
                                                + "0e1f2a3b-4c5d-6e7f-8a9b-0c1d2e3f4a5b")),
                        "environments.prod.customDomain.certificateArn must be the ARN of an ACM certificate in"
                                + " us-east-1 (CloudFront only uses certificates there) (got"
                                + " 'arn:aws:acm:eu-west-1:111122223333:certificate/"
                                + "0e1f2a3b-4c5d-6e7f-8a9b-0c1d2e3f4a5b'): fix it in cdk.json"),
                arguments(
                        "function not an object",
                        set("function", 512),
                        "environments.prod.function must be a JSON object of settings (got 512): fix it in"
                                + " cdk.json"),
                arguments(
                        "auth missing",
                        remove("auth"),
                        "environments.prod.auth is missing: set it to {\"mode\": \"oidc\"} (each person signs in),"
                                + " {\"mode\": \"token\"} (one shared token) or, outside production, {\"mode\":"
                                + " \"none\"} in cdk.json"),
                arguments(
                        "auth not an object",
                        set("auth", "oidc"),
                        "environments.prod.auth must be a JSON object of settings (got 'oidc'): fix it in cdk.json"),
                arguments(
                        "auth.mode unknown",
                        in("auth", set("mode", "cognito")),
                        "environments.prod.auth.mode must be none, token or oidc (got 'cognito'): fix it in cdk.json"),
                arguments(
                        "auth.mode missing",
                        in("auth", remove("mode")),
                        "environments.prod.auth.mode is missing: set it to none, token or oidc in cdk.json"),
                arguments(
                        "auth.mode none in production",
                        in("auth", set("mode", "none")),
                        "environments.prod.auth.mode 'none' would let anyone use a production environment"
                                + " (production is true): use oidc or token in cdk.json"),
                arguments(
                        "auth unknown setting",
                        in("auth", set("signUp", true)),
                        "environments.prod.auth.signUp is not a known setting (known: domainPrefix, federation, mfa,"
                                + " mode, selfSignUp): fix it in cdk.json"),
                arguments(
                        "auth.mfa",
                        in("auth", set("mfa", "sometimes")),
                        "environments.prod.auth.mfa must be off, optional or required (got 'sometimes'): fix it in"
                                + " cdk.json"),
                arguments(
                        "auth.selfSignUp",
                        in("auth", set("selfSignUp", "yes")),
                        "environments.prod.auth.selfSignUp must be true (anyone may create an account) or false (an"
                                + " operator adds people) (got 'yes'): fix it in cdk.json"),
                arguments(
                        "auth.domainPrefix malformed",
                        in("auth", set("domainPrefix", "Chat_Prod")),
                        "environments.prod.auth.domainPrefix must be 1 to 63 lowercase letters, digits or inner"
                                + " hyphens, unique in the Region, like chat-example (got 'Chat_Prod'): fix it in"
                                + " cdk.json"),
                arguments(
                        "auth.domainPrefix ends with a hyphen",
                        in("auth", set("domainPrefix", "chat-")),
                        "environments.prod.auth.domainPrefix must be 1 to 63 lowercase letters, digits or inner"
                                + " hyphens, unique in the Region, like chat-example (got 'chat-'): fix it in"
                                + " cdk.json"),
                arguments(
                        "auth.domainPrefix with a reserved word",
                        in("auth", set("domainPrefix", "my-aws-chat")),
                        "environments.prod.auth.domainPrefix 'my-aws-chat' contains 'aws', which Cognito refuses in"
                                + " a domain prefix: choose another in cdk.json"),
                arguments(
                        "a sign-in setting outside oidc",
                        in("auth", auth -> {
                            auth.put("mode", "token");
                            auth.put("mfa", "required");
                        }),
                        "environments.prod.auth.mfa applies only to auth.mode oidc (got 'token'): remove it or set"
                                + " auth.mode to oidc in cdk.json"),
                arguments(
                        "federation outside oidc",
                        in("auth", auth -> {
                            auth.put("mode", "token");
                            auth.put("federation", oidcFederation());
                        }),
                        "environments.prod.auth.federation applies only to auth.mode oidc (got 'token'): remove it or"
                                + " set auth.mode to oidc in cdk.json"),
                arguments(
                        "federation type",
                        in("auth", set("federation", Map.of("type", "ldap", "name", "Corporate"))),
                        "environments.prod.auth.federation.type must be oidc or saml (got 'ldap'): fix it in"
                                + " cdk.json"),
                arguments(
                        "oidc federation over http",
                        in("auth", set("federation", with(oidcFederation(), "issuer", "http://login.example.com"))),
                        "environments.prod.auth.federation.issuer must be the provider's issuer URL like"
                                + " https://login.example.com (got 'http://login.example.com'): fix it in cdk.json"),
                arguments(
                        "oidc federation without its secret",
                        in("auth", set("federation", with(oidcFederation(), "clientSecretName", null))),
                        "environments.prod.auth.federation.clientSecretName is missing: set it to the name of the"
                                + " Secrets Manager secret with the client secret, like chat/idp-client-secret in"
                                + " cdk.json"),
                arguments(
                        "oidc federation with a secret ARN",
                        in(
                                "auth",
                                set(
                                        "federation",
                                        with(
                                                oidcFederation(),
                                                "clientSecretName",
                                                "arn:aws:secretsmanager:us-east-1:111122223333:secret:idp"))),
                        "environments.prod.auth.federation.clientSecretName must be the name of the Secrets Manager"
                                + " secret with the client secret, like chat/idp-client-secret (got"
                                + " 'arn:aws:secretsmanager:us-east-1:111122223333:secret:idp'): fix it in cdk.json"),
                arguments(
                        "oidc federation client id with a space",
                        in("auth", set("federation", with(oidcFederation(), "clientId", "chat client"))),
                        "environments.prod.auth.federation.clientId must be the client id the provider issued for the"
                                + " user pool (got 'chat client'): fix it in cdk.json"),
                arguments(
                        "federation with a name Cognito keeps",
                        in("auth", set("federation", with(oidcFederation(), "name", "Google"))),
                        "environments.prod.auth.federation.name 'Google' is the name of a provider Cognito keeps for"
                                + " itself: choose another in cdk.json"),
                arguments(
                        "federation name too short",
                        in("auth", set("federation", with(oidcFederation(), "name", "A"))),
                        "environments.prod.auth.federation.name must be 3 to 32 letters, digits, dots, hyphens or"
                                + " underscores, like Corporate (got 'A'): fix it in cdk.json"),
                arguments(
                        "oidc federation with a SAML setting",
                        in(
                                "auth",
                                set(
                                        "federation",
                                        with(oidcFederation(), "metadataUrl", "https://idp.example.com/metadata"))),
                        "environments.prod.auth.federation.metadataUrl is not a known setting (known: clientId,"
                                + " clientSecretName, issuer, name, type): fix it in cdk.json"),
                arguments(
                        "saml federation over http",
                        in(
                                "auth",
                                set(
                                        "federation",
                                        Map.of(
                                                "type",
                                                "saml",
                                                "name",
                                                "Workforce",
                                                "metadataUrl",
                                                "http://idp.example.com/metadata"))),
                        "environments.prod.auth.federation.metadataUrl must be the HTTPS address of the provider's"
                                + " SAML metadata document (got 'http://idp.example.com/metadata'): fix it in"
                                + " cdk.json"),
                arguments(
                        "waf not an object",
                        set("waf", true),
                        "environments.prod.waf must be a JSON object of settings (got true): fix it in cdk.json"),
                arguments(
                        "waf.enabled",
                        in("waf", set("enabled", "yes")),
                        "environments.prod.waf.enabled must be true (an AWS WAF web ACL in front of CloudFront) or"
                                + " false (got 'yes'): fix it in cdk.json"),
                arguments(
                        "waf without its rate limit",
                        in("waf", remove("rateLimitPer5Minutes")),
                        "environments.prod.waf.rateLimitPer5Minutes is missing: set it to a whole number from 10 to"
                                + " 2000000000 requests of one client IP address in 5 minutes in cdk.json"),
                arguments(
                        "waf rate limit below WAF's minimum",
                        in("waf", set("rateLimitPer5Minutes", 5)),
                        "environments.prod.waf.rateLimitPer5Minutes must be a whole number from 10 to 2000000000"
                                + " requests of one client IP address in 5 minutes (got 5): fix it in cdk.json"),
                arguments(
                        "waf unknown setting",
                        in("waf", set("rateLimit", 100)),
                        "environments.prod.waf.rateLimit is not a known setting (known: enabled,"
                                + " rateLimitPer5Minutes): fix it in cdk.json"),
                arguments(
                        "allowed model without a price",
                        in("models", set("allowed", List.of("us.amazon.nova-lite-v1:0", "amazon.titan-text-lite-v1"))),
                        "environments.prod.models.allowed[1] 'amazon.titan-text-lite-v1' has no price in"
                                + " context.modelPrices.models (no entry for 'amazon.titan-text-lite-v1'): add its"
                                + " on-demand prices per 1,000 tokens (inputPer1k, outputPer1k) there in cdk.json"),
                arguments(
                        "allowed profile without a price of its own or of its model",
                        in(
                                "models",
                                set(
                                        "allowed",
                                        List.of("us.amazon.nova-lite-v1:0", "us.meta.llama3-3-70b-instruct-v1:0"))),
                        "environments.prod.models.allowed[1] 'us.meta.llama3-3-70b-instruct-v1:0' has no price in"
                                + " context.modelPrices.models (no entry for 'us.meta.llama3-3-70b-instruct-v1:0' or"
                                + " its model 'meta.llama3-3-70b-instruct-v1:0'): add its on-demand prices per 1,000"
                                + " tokens (inputPer1k, outputPer1k) there in cdk.json"),
                arguments(
                        "quota not an object",
                        set("quota", 1000),
                        "environments.prod.quota must be a JSON object of settings (got 1000): fix it in cdk.json"),
                arguments(
                        "quota unknown setting",
                        in("quota", set("dailyTokens", 1000)),
                        "environments.prod.quota.dailyTokens is not a known setting (known: dailyTokensPerUser,"
                                + " dailyUsdPerUser): fix it in cdk.json"),
                arguments(
                        "quota of no tokens",
                        in("quota", set("dailyTokensPerUser", 0)),
                        "environments.prod.quota.dailyTokensPerUser must be a whole number from 1 to 1000000000"
                                + " tokens a person may use per day (or left out for no limit) (got 0): fix it in"
                                + " cdk.json"),
                arguments(
                        "quota of fractional tokens",
                        in("quota", set("dailyTokensPerUser", 1000.5)),
                        "environments.prod.quota.dailyTokensPerUser must be a whole number from 1 to 1000000000"
                                + " tokens a person may use per day (or left out for no limit) (got 1000.5): fix it in"
                                + " cdk.json"),
                arguments(
                        "quota of no dollars",
                        in("quota", set("dailyUsdPerUser", 0)),
                        "environments.prod.quota.dailyUsdPerUser must be a positive number of US dollars a person"
                                + " may spend per day (or left out for no limit) (got 0): fix it in cdk.json"),
                arguments(
                        "quota in text",
                        in("quota", set("dailyUsdPerUser", "$5")),
                        "environments.prod.quota.dailyUsdPerUser must be a positive number of US dollars a person"
                                + " may spend per day (or left out for no limit) (got '$5'): fix it in cdk.json"),
                arguments(
                        "budget unknown setting",
                        in("budget", set("threshold", 90)),
                        "environments.prod.budget.threshold is not a known setting (known: actionPercent, alerts,"
                                + " approval): fix it in cdk.json"),
                arguments(
                        "budget alerts not a list",
                        in("budget", set("alerts", Map.of("type", "ACTUAL", "percent", 80))),
                        "environments.prod.budget.alerts must be a list of alerts like [{\"type\": \"ACTUAL\","
                                + " \"percent\": 80}] (or [] for none) (got an object): fix it in cdk.json"),
                arguments(
                        "budget alert of an unknown type",
                        in("budget", set("alerts", List.of(Map.of("type", "actual", "percent", 80)))),
                        "environments.prod.budget.alerts[0].type must be ACTUAL or FORECASTED (got 'actual'): fix"
                                + " it in cdk.json"),
                arguments(
                        "budget alert without a percent",
                        in("budget", set("alerts", List.of(Map.of("type", "ACTUAL")))),
                        "environments.prod.budget.alerts[0].percent is missing: set it to a share of budgetUsd in"
                                + " percent, more than 0 and at most 1000 in cdk.json"),
                arguments(
                        "budget alert at 0 %",
                        in("budget", set("alerts", List.of(Map.of("type", "FORECASTED", "percent", 0)))),
                        "environments.prod.budget.alerts[0].percent must be a share of budgetUsd in percent, more"
                                + " than 0 and at most 1000 (got 0): fix it in cdk.json"),
                arguments(
                        "budget alert with an unknown setting",
                        in("budget", set("alerts", List.of(Map.of("type", "ACTUAL", "percent", 50, "email", "x")))),
                        "environments.prod.budget.alerts[0].email is not a known setting (known: percent, type): fix"
                                + " it in cdk.json"),
                arguments(
                        "budget alert repeated",
                        in(
                                "budget",
                                set(
                                        "alerts",
                                        List.of(
                                                Map.of("type", "ACTUAL", "percent", 50),
                                                Map.of("type", "ACTUAL", "percent", 50.0)))),
                        "environments.prod.budget.alerts[1] repeats the ACTUAL alert at 50 %: list each alert once in"
                                + " cdk.json"),
                arguments(
                        "more budget alerts than AWS Budgets allows",
                        in(
                                "budget",
                                set(
                                        "alerts",
                                        List.of(
                                                Map.of("type", "ACTUAL", "percent", 10),
                                                Map.of("type", "ACTUAL", "percent", 20),
                                                Map.of("type", "ACTUAL", "percent", 30),
                                                Map.of("type", "ACTUAL", "percent", 40),
                                                Map.of("type", "ACTUAL", "percent", 50),
                                                Map.of("type", "ACTUAL", "percent", 60)))),
                        "environments.prod.budget.alerts has 6 alerts, AWS Budgets allows 5 per budget: remove some"
                                + " in cdk.json"),
                arguments(
                        "budget guard beyond 1000 %",
                        in("budget", set("actionPercent", 1001)),
                        "environments.prod.budget.actionPercent must be a share of budgetUsd in percent, more than 0"
                                + " and at most 1000 (got 1001): fix it in cdk.json"),
                arguments(
                        "budget approval",
                        in("budget", set("approval", "AUTOMATIC")),
                        "environments.prod.budget.approval must be automatic (the guard applies itself) or manual (an"
                                + " operator approves it) (got 'AUTOMATIC'): fix it in cdk.json"),
                arguments(
                        "iam auth flag",
                        in("api", set("iamAuth", "yes")),
                        "environments.prod.api.iamAuth must be true (/v1 takes AWS Signature Version 4 through API"
                                + " Gateway's IAM authorization) or false (got 'yes'): fix it in cdk.json"),
                arguments(
                        "iam principals without iam auth",
                        in("api", set("iamPrincipals", List.of("arn:aws:iam::123456789012:role/ci"))),
                        "environments.prod.api.iamPrincipals applies only with api.iamAuth true: remove it or set"
                                + " api.iamAuth to true in cdk.json"),
                arguments(
                        "iam principal that is no ARN",
                        in("api", set("iamAuth", true).andThen(set("iamPrincipals", List.of("123456789012")))),
                        "environments.prod.api.iamPrincipals[0] must be the ARN of an account root, a role or a user,"
                                + " like arn:aws:iam::123456789012:role/ci (got '123456789012'): fix it in cdk.json"),
                arguments(
                        "iam principal that is a session",
                        in(
                                "api",
                                set("iamAuth", true)
                                        .andThen(set(
                                                "iamPrincipals",
                                                List.of(
                                                        "arn:aws:iam::123456789012:role/ci",
                                                        "arn:aws:sts::123456789012:assumed-role/ci/build-7")))),
                        "environments.prod.api.iamPrincipals[1] must be the ARN of an account root, a role or a user,"
                                + " like arn:aws:iam::123456789012:role/ci (got"
                                + " 'arn:aws:sts::123456789012:assumed-role/ci/build-7'): fix it in cdk.json"),
                arguments(
                        "iam principal with a wildcard",
                        in(
                                "api",
                                set("iamAuth", true)
                                        .andThen(set("iamPrincipals", List.of("arn:aws:iam::123456789012:role/*")))),
                        "environments.prod.api.iamPrincipals[0] must be the ARN of an account root, a role or a user,"
                                + " like arn:aws:iam::123456789012:role/ci (got 'arn:aws:iam::123456789012:role/*'):"
                                + " fix it in cdk.json"),
                arguments(
                        "iam principal repeated",
                        in(
                                "api",
                                set("iamAuth", true)
                                        .andThen(set(
                                                "iamPrincipals",
                                                List.of(
                                                        "arn:aws:iam::123456789012:role/ci",
                                                        "arn:aws:iam::123456789012:role/ci")))),
                        "environments.prod.api.iamPrincipals[1] repeats 'arn:aws:iam::123456789012:role/ci': list each"
                                + " principal once in cdk.json"),
                arguments(
                        "empty iam principals",
                        in("api", set("iamAuth", true).andThen(set("iamPrincipals", List.of()))),
                        "environments.prod.api.iamPrincipals must be a non-empty list of IAM ARNs like"
                                + " arn:aws:iam::123456789012:role/ci (or left out for this account's principals) (got"
                                + " an empty list): fix it in cdk.json"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPrices")
    void everyBadPriceIsNamedWithItsFixOnOneLine(
            String setting, Consumer<Map<String, Object>> breakIt, String expectedMessage) {
        Map<String, Object> prices = modelPrices();
        breakIt.accept(prices);

        assertThatThrownBy(() -> EnvironmentConfigLoader.load("prod", environments(), profileRegions(), prices))
                .isInstanceOf(ConfigException.class)
                .hasMessage(expectedMessage)
                .satisfies(problem -> assertThat(problem.getMessage()).doesNotContain("\n"))
                .satisfies(problem -> assertThat(problem.getStackTrace()).isEmpty());
    }

    static Stream<Arguments> badPrices() {
        String lite = "us.amazon.nova-lite-v1:0";
        return Stream.of(
                arguments(
                        "unknown setting",
                        set("currency", "EUR"),
                        "modelPrices.currency is not a known setting (known: models, source, takenOn): fix it in"
                                + " cdk.json"),
                arguments(
                        "no date",
                        remove("takenOn"),
                        "modelPrices.takenOn is missing: set it to the day the prices were read, as YYYY-MM-DD in"
                                + " cdk.json"),
                arguments(
                        "date in another format",
                        set("takenOn", "01.12.2026"),
                        "modelPrices.takenOn must be the day the prices were read, as YYYY-MM-DD (got '01.12.2026'):"
                                + " fix it in cdk.json"),
                arguments(
                        "date that is no day",
                        set("takenOn", "2026-02-30"),
                        "modelPrices.takenOn must be the day the prices were read, as YYYY-MM-DD (got '2026-02-30'):"
                                + " fix it in cdk.json"),
                arguments(
                        "no source",
                        set("source", " "),
                        "modelPrices.source must be where the prices come from: the price page's URL or a note (got"
                                + " ' '): fix it in cdk.json"),
                arguments(
                        "no models",
                        remove("models"),
                        "modelPrices.models is missing: set it to a JSON object of settings in cdk.json"),
                arguments(
                        "a key that is no model id",
                        in("models", set("Nova Lite", Map.of("inputPer1k", 0.1, "outputPer1k", 0.2))),
                        "modelPrices.models.Nova Lite is not a Bedrock model id (like amazon.nova-lite-v1:0) or"
                                + " inference profile id (like us.amazon.nova-lite-v1:0): fix it in cdk.json"),
                arguments(
                        "a price that is no object",
                        in("models", set(lite, 0.00006)),
                        "modelPrices.models[\"us.amazon.nova-lite-v1:0\"] must be a JSON object of settings (got"
                                + " 0.00006): fix it in cdk.json"),
                arguments(
                        "no output price",
                        in("models", in(lite, remove("outputPer1k"))),
                        "modelPrices.models[\"us.amazon.nova-lite-v1:0\"].outputPer1k is missing: set it to a price in"
                                + " US dollars per 1,000 tokens, 0 or more, like 0.00006 in cdk.json"),
                arguments(
                        "a negative price",
                        in("models", in(lite, set("inputPer1k", -0.00006))),
                        "modelPrices.models[\"us.amazon.nova-lite-v1:0\"].inputPer1k must be a price in US dollars per"
                                + " 1,000 tokens, 0 or more, like 0.00006 (got -0.00006): fix it in cdk.json"),
                arguments(
                        "a price in text",
                        in("models", in(lite, set("cacheReadPer1k", "0.000015"))),
                        "modelPrices.models[\"us.amazon.nova-lite-v1:0\"].cacheReadPer1k must be a price in US dollars"
                                + " per 1,000 tokens, 0 or more, like 0.00006 (got '0.000015'): fix it in cdk.json"),
                arguments(
                        "an infinite price",
                        in("models", in(lite, set("cacheWritePer1k", Double.POSITIVE_INFINITY))),
                        "modelPrices.models[\"us.amazon.nova-lite-v1:0\"].cacheWritePer1k must be a price in US"
                                + " dollars per 1,000 tokens, 0 or more, like 0.00006 (got Infinity): fix it in"
                                + " cdk.json"),
                arguments(
                        "a price of an unknown kind",
                        in("models", in(lite, set("batchInputPer1k", 0.00003))),
                        "modelPrices.models[\"us.amazon.nova-lite-v1:0\"].batchInputPer1k is not a known setting"
                                + " (known: cacheReadPer1k, cacheWritePer1k, inputPer1k, outputPer1k): fix it in"
                                + " cdk.json"));
    }

    @Test
    void withoutAPriceTableTheSynthSaysWhatToAdd() {
        assertThatThrownBy(() -> EnvironmentConfigLoader.load("prod", environments(), profileRegions(), null))
                .isInstanceOf(ConfigException.class)
                .hasMessage("context.modelPrices is missing: add {\"takenOn\": \"YYYY-MM-DD\", \"source\": \"<where"
                        + " the prices come from>\", \"models\": {\"<model id>\": {\"inputPer1k\": <USD>,"
                        + " \"outputPer1k\": <USD>}}} with the on-demand price of every allowed model to cdk.json");
    }

    @Test
    void eachAllowedModelTakesItsOwnPriceElseItsFoundationModelsInTheOrderOfTheList() {
        Map<String, Object> environments = environments();
        child(env(environments, "prod"), "models")
                .put(
                        "allowed",
                        List.of("eu.amazon.nova-lite-v1:0", "us.amazon.nova-pro-v1:0", "us.amazon.nova-lite-v1:0"));

        EnvironmentConfig.ModelPrices prices = EnvironmentConfigLoader.load(
                        "prod", environments, profileRegions(), modelPrices())
                .prices();

        assertThat(prices.takenOn()).isEqualTo("2026-12-01");
        assertThat(prices.source()).isEqualTo("https://aws.amazon.com/bedrock/pricing/");
        assertThat(prices.byModel().keySet())
                .containsExactly("eu.amazon.nova-lite-v1:0", "us.amazon.nova-pro-v1:0", "us.amazon.nova-lite-v1:0");
        // The profile's own entry wins over its foundation model's.
        assertThat(prices.byModel().get("us.amazon.nova-lite-v1:0").inputPer1k())
                .isEqualByComparingTo("0.00007");
        assertThat(prices.byModel().get("eu.amazon.nova-lite-v1:0").inputPer1k())
                .isEqualByComparingTo("0.00006");
        assertThat(prices.byModel().get("us.amazon.nova-pro-v1:0"))
                .isEqualTo(new EnvironmentConfig.ModelPrice(
                        new BigDecimal("0.0008"),
                        new BigDecimal("0.0032"),
                        java.util.Optional.of(new BigDecimal("0.0002")),
                        java.util.Optional.empty()));
        assertThat(prices.json())
                .isEqualTo("{\"eu.amazon.nova-lite-v1:0\":{\"inputPer1k\":0.00006,\"outputPer1k\":0.00024},"
                        + "\"us.amazon.nova-pro-v1:0\":{\"inputPer1k\":0.0008,\"outputPer1k\":0.0032,"
                        + "\"cacheReadPer1k\":0.0002},"
                        + "\"us.amazon.nova-lite-v1:0\":{\"inputPer1k\":0.00007,\"outputPer1k\":0.00028,"
                        + "\"cacheReadPer1k\":0.0000175,\"cacheWritePer1k\":0}}");
    }

    @Test
    void quotaBudgetAndIamAuthHaveTheirDefaults() {
        EnvironmentConfig dev = EnvironmentConfigLoader.load("dev", environments(), profileRegions(), modelPrices());

        assertThat(dev.quota()).isEqualTo(EnvironmentConfig.Quota.NONE);
        assertThat(dev.budget()).isEqualTo(EnvironmentConfig.Budget.DEFAULT);
        assertThat(dev.budget().alerts())
                .containsExactly(
                        new EnvironmentConfig.BudgetAlert(EnvironmentConfig.SpendType.ACTUAL, BigDecimal.valueOf(80)),
                        new EnvironmentConfig.BudgetAlert(
                                EnvironmentConfig.SpendType.FORECASTED, BigDecimal.valueOf(100)));
        assertThat(dev.budget().actionPercent()).isEqualByComparingTo("100");
        assertThat(dev.budget().approval()).isEqualTo(EnvironmentConfig.Approval.AUTOMATIC);
        assertThat(dev.iamAuth()).isEqualTo(EnvironmentConfig.IamAuth.DISABLED);
    }

    @Test
    void readsQuotaBudgetAndIamAuth() {
        Map<String, Object> environments = environments();
        Map<String, Object> prod = env(environments, "prod");
        prod.put("quota", Map.of("dailyTokensPerUser", 250000, "dailyUsdPerUser", 1.5));
        prod.put(
                "budget",
                Map.of(
                        "alerts",
                        List.of(Map.of("type", "FORECASTED", "percent", 90), Map.of("type", "ACTUAL", "percent", 50.5)),
                        "actionPercent",
                        120,
                        "approval",
                        "manual"));
        child(prod, "api").put("iamAuth", true);
        child(prod, "api")
                .put(
                        "iamPrincipals",
                        List.of(
                                "arn:aws:iam::123456789012:role/ci",
                                "arn:aws:iam::210987654321:root",
                                "arn:aws:iam::123456789012:user/path/to/robot"));

        EnvironmentConfig config = EnvironmentConfigLoader.load("prod", environments, profileRegions(), modelPrices());

        assertThat(config.quota().dailyTokensPerUser()).hasValue(250000);
        assertThat(config.quota().dailyUsdPerUser())
                .hasValueSatisfying(usd -> assertThat(usd).isEqualByComparingTo("1.5"));
        assertThat(config.budget().alerts())
                .extracting(alert -> alert.type() + " " + EnvironmentConfig.plain(alert.percent()))
                .containsExactly("FORECASTED 90", "ACTUAL 50.5");
        assertThat(config.budget().actionPercent()).isEqualByComparingTo("120");
        assertThat(config.budget().approval()).isEqualTo(EnvironmentConfig.Approval.MANUAL);
        assertThat(config.iamAuth().enabled()).isTrue();
        assertThat(config.iamAuth().principals())
                .containsExactly(
                        "arn:aws:iam::123456789012:role/ci",
                        "arn:aws:iam::210987654321:root",
                        "arn:aws:iam::123456789012:user/path/to/robot");

        // No alerts at all is allowed: the guard still acts.
        prod.put("budget", Map.of("alerts", List.of()));
        assertThat(EnvironmentConfigLoader.load("prod", environments, profileRegions(), modelPrices())
                        .budget()
                        .alerts())
                .isEmpty();
        // IAM authorization for this account's principals alone.
        child(prod, "api").remove("iamPrincipals");
        assertThat(EnvironmentConfigLoader.load("prod", environments, profileRegions(), modelPrices())
                        .iamAuth())
                .isEqualTo(new EnvironmentConfig.IamAuth(true, List.of()));
    }

    private static Map<String, Object> oidcFederation() {
        Map<String, Object> federation = new java.util.LinkedHashMap<>();
        federation.put("type", "oidc");
        federation.put("name", "Corporate");
        federation.put("issuer", "https://login.example.com/tenant");
        federation.put("clientId", "chat-client-1");
        federation.put("clientSecretName", "chat/idp-client-secret");
        return federation;
    }

    /** {@code settings} with {@code key} set to {@code value}, or removed when it is null. */
    private static Map<String, Object> with(Map<String, Object> settings, String key, Object value) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>(settings);
        if (value == null) {
            copy.remove(key);
        } else {
            copy.put(key, value);
        }
        return copy;
    }

    @Test
    void readsTheSignInAndWafSettingsWithTheirDefaults() {
        EnvironmentConfig prod = EnvironmentConfigLoader.load("prod", environments(), profileRegions(), modelPrices());

        assertThat(prod.auth())
                .isEqualTo(new EnvironmentConfig.Auth(
                        EnvironmentConfig.AuthMode.OIDC,
                        false,
                        EnvironmentConfig.Mfa.OPTIONAL,
                        java.util.Optional.empty(),
                        java.util.Optional.empty()));
        assertThat(prod.domainPrefix("111122223333")).isEqualTo("chat-prod-111122223333");
        assertThat(prod.waf()).isEqualTo(new EnvironmentConfig.Waf(true, 2000));

        EnvironmentConfig dev = EnvironmentConfigLoader.load("dev", environments(), profileRegions(), modelPrices());
        assertThat(dev.auth()).isEqualTo(EnvironmentConfig.Auth.of(EnvironmentConfig.AuthMode.TOKEN));
        assertThat(dev.waf()).isEqualTo(EnvironmentConfig.Waf.DISABLED);
    }

    @Test
    void readsEverySignInSettingAndBothKindsOfFederation() {
        Map<String, Object> environments = environments();
        Map<String, Object> auth = child(env(environments, "prod"), "auth");
        auth.put("selfSignUp", true);
        auth.put("mfa", "required");
        auth.put("domainPrefix", "chat-example");
        auth.put("federation", oidcFederation());

        EnvironmentConfig.Auth oidc = EnvironmentConfigLoader.load(
                        "prod", environments, profileRegions(), modelPrices())
                .auth();
        assertThat(oidc.selfSignUp()).isTrue();
        assertThat(oidc.mfa()).isEqualTo(EnvironmentConfig.Mfa.REQUIRED);
        assertThat(oidc.domainPrefix()).contains("chat-example");
        assertThat(oidc.federation())
                .contains(new EnvironmentConfig.OidcFederation(
                        "Corporate", "https://login.example.com/tenant", "chat-client-1", "chat/idp-client-secret"));
        assertThat(EnvironmentConfigLoader.load("prod", environments, profileRegions(), modelPrices())
                        .domainPrefix("111122223333"))
                .isEqualTo("chat-example");

        auth.put("mfa", "off");
        auth.put(
                "federation",
                Map.of(
                        "type",
                        "saml",
                        "name",
                        "Workforce",
                        "metadataUrl",
                        "https://idp.example.com/saml/metadata.xml"));
        EnvironmentConfig.Auth saml = EnvironmentConfigLoader.load(
                        "prod", environments, profileRegions(), modelPrices())
                .auth();
        assertThat(saml.mfa()).isEqualTo(EnvironmentConfig.Mfa.OFF);
        assertThat(saml.federation())
                .contains(
                        new EnvironmentConfig.SamlFederation("Workforce", "https://idp.example.com/saml/metadata.xml"));
    }

    @Test
    void noneIsAcceptedOutsideProduction() {
        Map<String, Object> environments = environments();
        child(env(environments, "dev"), "auth").put("mode", "none");
        assertThat(EnvironmentConfigLoader.load("dev", environments, profileRegions(), modelPrices())
                        .auth()
                        .mode())
                .isEqualTo(EnvironmentConfig.AuthMode.NONE);

        env(environments, "prod").remove("production");
        child(env(environments, "prod"), "auth").put("mode", "none");
        assertThat(EnvironmentConfigLoader.load("prod", environments, profileRegions(), modelPrices())
                        .auth()
                        .mode())
                .isEqualTo(EnvironmentConfig.AuthMode.NONE);
    }

    @Test
    void aDisabledWafNeedsNoRateLimitAndKeepsAGivenOne() {
        Map<String, Object> environments = environments();
        Map<String, Object> waf = child(env(environments, "prod"), "waf");
        waf.put("enabled", false);
        assertThat(EnvironmentConfigLoader.load("prod", environments, profileRegions(), modelPrices())
                        .waf())
                .isEqualTo(new EnvironmentConfig.Waf(false, 2000));
        waf.remove("rateLimitPer5Minutes");
        assertThat(EnvironmentConfigLoader.load("prod", environments, profileRegions(), modelPrices())
                        .waf())
                .isEqualTo(EnvironmentConfig.Waf.DISABLED);
        env(environments, "prod").remove("waf");
        assertThat(EnvironmentConfigLoader.load("prod", environments, profileRegions(), modelPrices())
                        .waf())
                .isEqualTo(EnvironmentConfig.Waf.DISABLED);
    }

    @Test
    void anEnvironmentWhoseDefaultDomainPrefixCognitoRefusesMustNameOne() {
        Map<String, Object> environments = environments();
        Map<String, Object> demo = environment(false, 5, 10);
        demo.put("auth", new HashMap<>(Map.of("mode", "oidc")));
        environments.put("awsdemo", demo);

        assertThatThrownBy(() -> EnvironmentConfigLoader.load("awsdemo", environments, profileRegions(), modelPrices()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("environments.awsdemo.auth.domainPrefix is needed: the default 'chat-awsdemo-<account>'"
                        + " contains 'aws', which Cognito refuses in a domain prefix: set auth.domainPrefix in"
                        + " cdk.json");
        child(demo, "auth").put("domainPrefix", "chat-demo-example");
        assertThat(EnvironmentConfigLoader.load("awsdemo", environments, profileRegions(), modelPrices())
                        .domainPrefix("111122223333"))
                .isEqualTo("chat-demo-example");
    }

    @Test
    void theRealCdkJsonUsesTheTokenInDevAndSignInWithWafInStagingAndProd() {
        Map<String, Object> context = CdkJson.context();
        Map<String, EnvironmentConfig> configs = new java.util.LinkedHashMap<>();
        for (String name : CdkJson.environmentNames()) {
            configs.put(
                    name,
                    EnvironmentConfigLoader.load(
                            name,
                            context.get("environments"),
                            context.get("inferenceProfileRegions"),
                            context.get("modelPrices")));
        }
        assertThat(configs.get("dev").auth()).isEqualTo(EnvironmentConfig.Auth.of(EnvironmentConfig.AuthMode.TOKEN));
        assertThat(configs.get("dev").waf().enabled()).isFalse();
        assertThat(configs.get("staging").auth()).isEqualTo(EnvironmentConfig.Auth.of(EnvironmentConfig.AuthMode.OIDC));
        assertThat(configs.get("staging").waf()).isEqualTo(new EnvironmentConfig.Waf(true, 1000));
        assertThat(configs.get("prod").auth().mode()).isEqualTo(EnvironmentConfig.AuthMode.OIDC);
        assertThat(configs.get("prod").auth().mfa()).isEqualTo(EnvironmentConfig.Mfa.REQUIRED);
        assertThat(configs.get("prod").waf()).isEqualTo(new EnvironmentConfig.Waf(true, 2000));
    }

    @Test
    void anUnknownEnvironmentListsTheKnownOnes() {
        assertThatThrownBy(() -> EnvironmentConfigLoader.load("qa", environments(), profileRegions(), modelPrices()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown environment 'qa' (-c env=qa): known environments are dev, staging, prod; pick"
                        + " one or add it under context.environments in cdk.json");
    }

    @Test
    void missingEnvironmentsAndProfileTablesAreNamed() {
        assertThatThrownBy(() -> EnvironmentConfigLoader.load("dev", null, profileRegions(), modelPrices()))
                .hasMessageStartingWith("context.environments is missing:");
        assertThatThrownBy(() -> EnvironmentConfigLoader.load("dev", environments(), null, modelPrices()))
                .hasMessageStartingWith("context.inferenceProfileRegions is missing:");
        assertThatThrownBy(() -> EnvironmentConfigLoader.load(
                        "dev", environments(), Map.of("us", List.of("nowhere")), modelPrices()))
                .hasMessage("inferenceProfileRegions.us must be an AWS Region code like us-east-1 (got 'nowhere'):"
                        + " fix it in cdk.json");
    }

    @Test
    void everyEnvironmentOfTheRealCdkJsonLoads() {
        Map<String, Object> context = CdkJson.context();
        for (String name : CdkJson.environmentNames()) {
            EnvironmentConfig config = EnvironmentConfigLoader.load(
                    name,
                    context.get("environments"),
                    context.get("inferenceProfileRegions"),
                    context.get("modelPrices"));
            assertThat(config.name()).isEqualTo(name);
            assertThat(config.models().allowedModelIds())
                    .contains(config.models().defaultModelId());
            assertThat(config.budgetUsd()).isPositive();
            assertThat(config.api().burst())
                    .isGreaterThanOrEqualTo(config.api().ratePerSecond().intValue());
            // Every allowed model has a price, in the order of the list.
            assertThat(List.copyOf(config.prices().byModel().keySet()))
                    .isEqualTo(config.models().allowedModelIds());
            assertThat(config.prices().byModel().values())
                    .allSatisfy(price -> assertThat(price.outputPer1k()).isGreaterThan(price.inputPer1k()));
            assertThat(config.quota().dailyTokensPerUser()).isPresent();
            assertThat(config.iamAuth().enabled()).isFalse();
        }
        assertThat(CdkJson.environmentNames()).containsExactly("dev", "staging", "prod");
    }

    @Test
    void readsEverySettingOfAGoodEnvironment() {
        EnvironmentConfig prod = EnvironmentConfigLoader.load("prod", environments(), profileRegions(), modelPrices());

        assertThat(prod.account()).contains("111122223333");
        assertThat(prod.region()).isEqualTo("us-east-1");
        assertThat(prod.availabilityZones()).containsExactly("us-east-1a", "us-east-1b");
        assertThat(prod.models().defaultModelId()).isEqualTo("us.amazon.nova-lite-v1:0");
        assertThat(prod.models().allowedModelIds())
                .containsExactly("us.amazon.nova-lite-v1:0", "us.amazon.nova-pro-v1:0");
        assertThat(prod.models().inferenceProfileRegions()).containsOnlyKeys("us", "eu");
        assertThat(prod.function().memoryMb()).isEqualTo(2048);
        assertThat(prod.function().timeoutSeconds()).isEqualTo(300);
        assertThat(prod.function().reservedConcurrency()).hasValue(50);
        assertThat(prod.function().streaming()).isTrue();
        assertThat(prod.function().snapStart()).isTrue();
        assertThat(prod.function().webAdapterLayerVersion()).isEqualTo(30);
        assertThat(prod.function().systemPrompt()).isEqualTo("Be brief.");
        assertThat(prod.function().maxTokens()).isEqualTo(2048);
        assertThat(prod.function().temperature()).isEqualByComparingTo(new BigDecimal("0.3"));
        assertThat(prod.function().modelTimeoutSeconds()).isEqualTo(45);
        assertThat(prod.api().ratePerSecond()).isEqualByComparingTo(new BigDecimal("50"));
        assertThat(prod.api().burst()).isEqualTo(100);
        assertThat(prod.artifacts()).isEqualTo(new EnvironmentConfig.ArtifactLifecycle(30, 365, 30));
        assertThat(prod.alarmEmail()).isEqualTo("ops@example.com");
        assertThat(prod.budgetUsd()).isEqualByComparingTo(new BigDecimal("200"));
        assertThat(prod.logRetentionDays()).isEqualTo(90);
        assertThat(prod.retainDataOnDelete()).isTrue();
        assertThat(prod.customDomain()).isEmpty();
        assertThat(prod.stackPrefix()).isEqualTo("Chat-Prod");
        assertThat(prod.production()).isTrue();
        assertThat(prod.function().warmUp()).isFalse();
        assertThat(prod.apiGatewayAccountRole()).isFalse();
        assertThat(prod.cloudTrail()).isTrue();
    }

    @Test
    void theWarmUpIsOnByDefaultOutsideProduction() {
        Map<String, Object> environments = environments();
        assertThat(EnvironmentConfigLoader.load("dev", environments, profileRegions(), modelPrices()))
                .satisfies(dev -> {
                    assertThat(dev.production()).isFalse();
                    assertThat(dev.function().warmUp()).isTrue();
                });

        env(environments, "prod").remove("production");
        EnvironmentConfig notProduction =
                EnvironmentConfigLoader.load("prod", environments, profileRegions(), modelPrices());
        assertThat(notProduction.production()).isFalse();
        assertThat(notProduction.function().warmUp()).isTrue();

        child(env(environments, "dev"), "function").put("warmUp", false);
        assertThat(EnvironmentConfigLoader.load("dev", environments, profileRegions(), modelPrices())
                        .function()
                        .warmUp())
                .isFalse();

        env(environments, "prod").put("production", true);
        child(env(environments, "prod"), "function").put("warmUp", true);
        assertThat(EnvironmentConfigLoader.load("prod", environments, profileRegions(), modelPrices())
                        .function()
                        .warmUp())
                .isTrue();
    }

    @Test
    void aProfileRoutesToItsOwnRegionsOrElseToItsPrefixs() {
        Map<String, Object> environments = environments();
        Map<String, Object> models = child(env(environments, "prod"), "models");
        models.put(
                "allowed",
                List.of(
                        "us.amazon.nova-lite-v1:0",
                        "us.anthropic.claude-haiku-4-5-20251001-v1:0",
                        "jp.anthropic.claude-haiku-4-5-20251001-v1:0"));
        Map<String, Object> destinations = new java.util.LinkedHashMap<>();
        destinations.put(
                "us.anthropic.claude-haiku-4-5-20251001-v1:0",
                List.of("us-east-1", "us-east-2", "us-west-1", "us-west-2"));
        // A prefix context.inferenceProfileRegions does not know is fine with Regions of its own.
        destinations.put("jp.anthropic.claude-haiku-4-5-20251001-v1:0", List.of("ap-northeast-1", "ap-northeast-3"));
        models.put("destinationRegions", destinations);

        EnvironmentConfig.Models config = EnvironmentConfigLoader.load(
                        "prod", environments, profileRegions(), modelPrices())
                .models();

        assertThat(config.destinationRegionsOf("us.anthropic.claude-haiku-4-5-20251001-v1:0", "us"))
                .containsExactly("us-east-1", "us-east-2", "us-west-1", "us-west-2");
        assertThat(config.destinationRegionsOf("jp.anthropic.claude-haiku-4-5-20251001-v1:0", "jp"))
                .containsExactly("ap-northeast-1", "ap-northeast-3");
        assertThat(config.destinationRegionsOf("us.amazon.nova-lite-v1:0", "us"))
                .containsExactly("us-east-1", "us-east-2", "us-west-2");
    }

    @Test
    void everyEnvironmentOfTheRealCdkJsonPinsWebAdapterV110AndOnlyProdIsProduction() {
        Map<String, Object> context = CdkJson.context();
        for (String name : CdkJson.environmentNames()) {
            EnvironmentConfig config = EnvironmentConfigLoader.load(
                    name,
                    context.get("environments"),
                    context.get("inferenceProfileRegions"),
                    context.get("modelPrices"));
            assertThat(config.function().webAdapterLayerVersion())
                    .as(name)
                    .isEqualTo(EnvironmentConfigLoader.RECOMMENDED_WEB_ADAPTER_LAYER_VERSION)
                    .isEqualTo(30);
            assertThat(config.production()).as(name).isEqualTo(name.equals("prod"));
            assertThat(config.function().warmUp()).as(name).isEqualTo(!name.equals("prod"));
            assertThat(config.apiGatewayAccountRole()).as(name).isTrue();
            assertThat(config.cloudTrail()).as(name).isFalse();
        }
    }

    /**
     * A laptop deploy of dev goes into the account of the current credentials, so dev names none; staging and prod
     * (deployed by the pipeline) name theirs, and the pipeline's stage of dev names dev's.
     */
    @Test
    void devOfTheRealCdkJsonNamesNoAccountStagingAndProdDo() {
        Map<String, Object> context = CdkJson.context();
        Map<String, Optional<String>> accounts = new java.util.LinkedHashMap<>();
        for (String name : CdkJson.environmentNames()) {
            accounts.put(
                    name,
                    EnvironmentConfigLoader.load(
                                    name,
                                    context.get("environments"),
                                    context.get("inferenceProfileRegions"),
                                    context.get("modelPrices"))
                            .account());
        }

        assertThat(accounts)
                .containsExactly(
                        Map.entry("dev", Optional.empty()),
                        Map.entry("staging", Optional.of("222222222222")),
                        Map.entry("prod", Optional.of("333333333333")));
    }

    @Test
    void optionalSettingsHaveDefaults() {
        Map<String, Object> environments = environments();
        Map<String, Object> prod = env(environments, "prod");
        prod.remove("account");
        prod.remove("availabilityZones");
        Map<String, Object> function = child(prod, "function");
        function.remove("reservedConcurrency");
        function.remove("systemPrompt");
        function.put("streaming", false);
        function.remove("webAdapterLayerVersion");
        function.put("modelTimeoutSeconds", 25);

        EnvironmentConfig config = EnvironmentConfigLoader.load("prod", environments, profileRegions(), modelPrices());

        assertThat(config.account()).isEmpty();
        assertThat(config.availabilityZones()).containsExactly("us-east-1a", "us-east-1b");
        assertThat(config.function().reservedConcurrency()).isEmpty();
        assertThat(config.function().systemPrompt()).isEmpty();
        assertThat(config.function().webAdapterLayerVersion()).isZero();

        prod.remove("production");
        prod.remove("apiGatewayAccountRole");
        prod.remove("cloudTrail");
        EnvironmentConfig defaults =
                EnvironmentConfigLoader.load("prod", environments, profileRegions(), modelPrices());
        assertThat(defaults.production()).isFalse();
        assertThat(defaults.apiGatewayAccountRole()).isTrue();
        assertThat(defaults.cloudTrail()).isFalse();
        assertThat(defaults.function().warmUp()).isTrue();
    }

    @Test
    void aModelTimeoutAtItsLimitIsAccepted() {
        Map<String, Object> environments = environments();
        Map<String, Object> function = child(env(environments, "prod"), "function");

        function.put(
                "modelTimeoutSeconds",
                ServiceLimits.CLOUDFRONT_ORIGIN_READ_TIMEOUT_SECONDS - ServiceLimits.MODEL_TIMEOUT_MARGIN_SECONDS);
        assertThat(EnvironmentConfigLoader.load("prod", environments, profileRegions(), modelPrices())
                        .function()
                        .modelTimeoutSeconds())
                .isEqualTo(50);

        function.put("streaming", false);
        function.put("modelTimeoutSeconds", ServiceLimits.API_GATEWAY_BUFFERED_TIMEOUT_SECONDS - 1);
        assertThat(EnvironmentConfigLoader.load("prod", environments, profileRegions(), modelPrices())
                        .function()
                        .modelTimeoutSeconds())
                .isEqualTo(28);
    }

    @Test
    void stagingAndProdOfTheRealCdkJsonPinTheirAvailabilityZones() {
        for (String name : List.of("staging", "prod")) {
            assertThat(CdkJson.environment(name)).as(name).containsKey("availabilityZones");
        }
    }

    @Test
    void plainGlobalAndGeographicModelIdsAreAccepted() {
        Map<String, Object> environments = environments();
        child(env(environments, "prod"), "models")
                .put(
                        "allowed",
                        List.of(
                                "amazon.nova-micro-v1:0",
                                "eu.amazon.nova-lite-v1:0",
                                "global.anthropic.claude-haiku-4-5-20251001-v1:0",
                                "anthropic.claude-3-sonnet-20240229-v1:0:28k"));
        child(env(environments, "prod"), "models").put("default", "amazon.nova-micro-v1:0");

        EnvironmentConfig config = EnvironmentConfigLoader.load("prod", environments, profileRegions(), modelPrices());

        assertThat(config.models().allowedModelIds()).hasSize(4);
    }

    @Test
    void readsACustomDomain() {
        Map<String, Object> environments = environments();
        String arn = "arn:aws:acm:us-east-1:111122223333:certificate/0e1f2a3b-4c5d-6e7f-8a9b-0c1d2e3f4a5b";
        env(environments, "prod").put("customDomain", Map.of("name", "chat.example.com", "certificateArn", arn));

        EnvironmentConfig config = EnvironmentConfigLoader.load("prod", environments, profileRegions(), modelPrices());

        assertThat(config.customDomain()).contains(new EnvironmentConfig.CustomDomain("chat.example.com", arn));
    }

    @Test
    void chosenWithTheEnvContextKeyAndDevByDefault() {
        Map<String, Object> context = new HashMap<>(Map.of(
                "environments",
                environments(),
                "inferenceProfileRegions",
                profileRegions(),
                "modelPrices",
                modelPrices()));
        assertThat(EnvironmentConfigLoader.fromContext(context::get).name()).isEqualTo("dev");
        context.put("env", "staging");
        assertThat(EnvironmentConfigLoader.fromContext(context::get).name()).isEqualTo("staging");
    }

    @Test
    void productionAsksForAnApprovalByDefaultAndNoEnvironmentChatsInItsSmokeTest() {
        Map<String, Object> environments = environments();
        assertThat(EnvironmentConfigLoader.load("prod", environments, profileRegions(), modelPrices())
                        .delivery())
                .isEqualTo(new EnvironmentConfig.Delivery(true, false));
        assertThat(EnvironmentConfigLoader.load("dev", environments, profileRegions(), modelPrices())
                        .delivery())
                .isEqualTo(new EnvironmentConfig.Delivery(false, false));

        env(environments, "prod").put("approval", false);
        env(environments, "dev").put("approval", true);
        env(environments, "dev").put("auth", Map.of("mode", "none"));
        env(environments, "dev").put("smokeChat", true);
        assertThat(EnvironmentConfigLoader.load("prod", environments, profileRegions(), modelPrices())
                        .delivery())
                .isEqualTo(new EnvironmentConfig.Delivery(false, false));
        assertThat(EnvironmentConfigLoader.load("dev", environments, profileRegions(), modelPrices())
                        .delivery())
                .isEqualTo(new EnvironmentConfig.Delivery(true, true));
    }

    @ParameterizedTest(name = "auth.mode {0}")
    @ValueSource(strings = {"token", "oidc"})
    void aSmokeTestChatsOnlyWhereNobodySignsIn(String mode) {
        Map<String, Object> environments = environments();
        env(environments, "dev").put("auth", Map.of("mode", mode));
        env(environments, "dev").put("smokeChat", true);

        assertThatThrownBy(() -> EnvironmentConfigLoader.load("dev", environments, profileRegions(), modelPrices()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("environments.dev.smokeChat is true, but auth.mode is '" + mode + "': the smoke test chats"
                        + " without signing in, which only auth.mode none lets through; set smokeChat to false in"
                        + " cdk.json");
    }

    @Test
    void aPrivateCopyDerivesItsOwnManagedLoginDomainAndKeepsTheRestOfTheSignIn() {
        Map<String, Object> environments = environments();
        env(environments, "staging")
                .put("auth", Map.of("mode", "oidc", "mfa", "required", "domainPrefix", "chat-example-staging"));
        Map<String, Object> context = new HashMap<>(Map.of(
                "environments",
                environments,
                "inferenceProfileRegions",
                profileRegions(),
                "modelPrices",
                modelPrices(),
                "env",
                "staging"));
        EnvironmentConfig main = EnvironmentConfigLoader.fromContext(context::get);
        context.put("stage", "alice");
        EnvironmentConfig copy = EnvironmentConfigLoader.fromContext(context::get);

        assertThat(main.domainPrefix("111122223333")).isEqualTo("chat-example-staging");
        // Only one user pool may hold a domain prefix: the copy's comes from its deployment name.
        assertThat(copy.auth().domainPrefix()).isEmpty();
        assertThat(copy.domainPrefix("111122223333")).isEqualTo("chat-staging-alice-111122223333");
        assertThat(copy.auth().mode()).isEqualTo(EnvironmentConfig.AuthMode.OIDC);
        assertThat(copy.auth().mfa()).isEqualTo(EnvironmentConfig.Mfa.REQUIRED);
        assertThat(copy.waf()).isEqualTo(main.waf());
    }

    @Test
    void aPrivateCopyNameThatCognitoWouldRefuseInTheDomainPrefixIsRefused() {
        Map<String, Object> environments = environments();
        env(environments, "staging").put("auth", Map.of("mode", "oidc"));
        Map<String, Object> context = new HashMap<>(Map.of(
                "environments",
                environments,
                "inferenceProfileRegions",
                profileRegions(),
                "modelPrices",
                modelPrices(),
                "env",
                "staging",
                "stage",
                "jaws"));

        assertThatThrownBy(() -> EnvironmentConfigLoader.fromContext(context::get))
                .isInstanceOf(ConfigException.class)
                .hasMessage("-c stage=jaws would give the copy's managed login domain the prefix"
                        + " 'chat-staging-jaws-<account>', which contains 'aws' and Cognito refuses: choose another"
                        + " copy name");
        // Without a user pool the name is fine.
        env(environments, "staging").put("auth", Map.of("mode", "token"));
        assertThat(EnvironmentConfigLoader.fromContext(context::get).deploymentName())
                .isEqualTo("staging-jaws");
    }

    @Test
    void aPrivateCopyHasItsOwnNamesAndIsDestroyable() {
        Map<String, Object> environments = environments();
        Map<String, Object> staging = env(environments, "staging");
        staging.put("apiGatewayAccountRole", true);
        staging.put("cloudTrail", true);
        staging.put(
                "customDomain",
                Map.of(
                        "name",
                        "chat.example.com",
                        "certificateArn",
                        "arn:aws:acm:us-east-1:111122223333:certificate/0d2f3c4e-1a2b-4c5d-8e9f-0a1b2c3d4e5f"));
        Map<String, Object> context = new HashMap<>(Map.of(
                "environments",
                environments,
                "inferenceProfileRegions",
                profileRegions(),
                "modelPrices",
                modelPrices(),
                "env",
                "staging"));
        EnvironmentConfig main = EnvironmentConfigLoader.fromContext(context::get);
        context.put("stage", "alice2");
        EnvironmentConfig copy = EnvironmentConfigLoader.fromContext(context::get);

        assertThat(main.privateCopy()).isEmpty();
        assertThat(main.stackPrefix()).isEqualTo("Chat-Staging");
        assertThat(main.deploymentName()).isEqualTo("staging");
        assertThat(main.retainDataOnDelete()).isTrue();
        assertThat(main.apiGatewayAccountRole()).isTrue();

        assertThat(copy.name()).isEqualTo("staging");
        assertThat(copy.privateCopy()).contains("alice2");
        assertThat(copy.stackPrefix()).isEqualTo("Chat-Staging-Alice2");
        assertThat(copy.deploymentName()).isEqualTo("staging-alice2");
        // The account's singletons stay with the environment itself; everything of the copy is destroyable.
        assertThat(copy.apiGatewayAccountRole()).isFalse();
        assertThat(copy.cloudTrail()).isFalse();
        assertThat(copy.customDomain()).isEmpty();
        assertThat(copy.retainDataOnDelete()).isFalse();
        // Everything else is the environment's.
        assertThat(copy)
                .usingRecursiveComparison()
                .ignoringFields(
                        "privateCopy", "apiGatewayAccountRole", "cloudTrail", "customDomain", "retainDataOnDelete")
                .isEqualTo(main);
    }

    @ParameterizedTest(name = "-c stage={0}")
    @MethodSource("badCopyNames")
    void aPrivateCopyNeedsAShortLowercaseName(String name) {
        Map<String, Object> context = new HashMap<>(Map.of(
                "environments",
                environments(),
                "inferenceProfileRegions",
                profileRegions(),
                "modelPrices",
                modelPrices(),
                "stage",
                name));

        assertThatThrownBy(() -> EnvironmentConfigLoader.fromContext(context::get))
                .isInstanceOf(ConfigException.class)
                .hasMessage("-c stage=" + name + " cannot name a private copy: use 1 to 12 lowercase letters or"
                        + " digits, starting with a letter, e.g. -c stage=alice");
    }

    static Stream<String> badCopyNames() {
        return Stream.of("", "Alice", "1alice", "alice-bob", "alice_bob", "abcdefghijklm");
    }

    @Test
    void aPrivateCopyNameMayBeOneToTwelveCharacters() {
        Map<String, Object> context = new HashMap<>(Map.of(
                "environments",
                environments(),
                "inferenceProfileRegions",
                profileRegions(),
                "modelPrices",
                modelPrices(),
                "stage",
                "a"));
        assertThat(EnvironmentConfigLoader.fromContext(context::get).stackPrefix())
                .isEqualTo("Chat-Dev-A");
        context.put("stage", "abcdefghijk1");
        assertThat(EnvironmentConfigLoader.fromContext(context::get).stackPrefix())
                .isEqualTo("Chat-Dev-Abcdefghijk1");
    }

    @Test
    void productionHasNoPrivateCopies() {
        Map<String, Object> context = new HashMap<>(Map.of(
                "environments",
                environments(),
                "inferenceProfileRegions",
                profileRegions(),
                "modelPrices",
                modelPrices(),
                "env",
                "prod",
                "stage",
                "alice"));

        assertThatThrownBy(() -> EnvironmentConfigLoader.fromContext(context::get))
                .isInstanceOf(ConfigException.class)
                .hasMessage("-c stage=alice makes no private copy of prod, which is production: true in cdk.json:"
                        + " copy a non-production environment, e.g. -c env=dev -c stage=alice");
    }

    // A complete, valid set of environments, independent of the real cdk.json's values.
    private static Map<String, Object> environments() {
        Map<String, Object> environments = new java.util.LinkedHashMap<>();
        environments.put("dev", environment(false, 5, 10));
        environments.put("staging", environment(true, 10, 20));
        Map<String, Object> prod = environment(true, 50, 100);
        prod.put("account", "111122223333");
        prod.put("availabilityZones", new ArrayList<>(List.of("us-east-1a", "us-east-1b")));
        prod.put("production", true);
        prod.put("apiGatewayAccountRole", false);
        prod.put("cloudTrail", true);
        prod.put("auth", new HashMap<>(Map.of("mode", "oidc")));
        prod.put("waf", new HashMap<>(Map.of("enabled", true, "rateLimitPer5Minutes", 2000)));
        environments.put("prod", prod);
        return environments;
    }

    private static Map<String, Object> environment(boolean retain, int rate, int burst) {
        Map<String, Object> env = new HashMap<>();
        env.put("region", "us-east-1");
        env.put(
                "models",
                new HashMap<>(Map.of(
                        "default",
                        "us.amazon.nova-lite-v1:0",
                        "allowed",
                        List.of("us.amazon.nova-lite-v1:0", "us.amazon.nova-pro-v1:0"))));
        env.put(
                "function",
                new HashMap<>(Map.of(
                        "memoryMb",
                        2048,
                        "timeoutSeconds",
                        300,
                        "reservedConcurrency",
                        50,
                        "streaming",
                        true,
                        "snapStart",
                        true,
                        "webAdapterLayerVersion",
                        30,
                        "systemPrompt",
                        "Be brief.",
                        "maxTokens",
                        2048,
                        "temperature",
                        0.3,
                        "modelTimeoutSeconds",
                        45)));
        env.put("api", new HashMap<>(Map.of("throttleRatePerSecond", rate, "throttleBurst", burst)));
        env.put(
                "artifacts",
                new HashMap<>(Map.of(
                        "infrequentAccessAfterDays",
                        30,
                        "expireAfterDays",
                        365,
                        "noncurrentVersionsExpireAfterDays",
                        30)));
        env.put("alarmEmail", "ops@example.com");
        env.put("budgetUsd", 200);
        env.put("logRetentionDays", 90);
        env.put("retainDataOnDelete", retain);
        env.put("auth", new HashMap<>(Map.of("mode", "token")));
        return env;
    }

    private static Map<String, Object> profileRegions() {
        Map<String, Object> regions = new java.util.LinkedHashMap<>();
        regions.put("us", List.of("us-east-1", "us-east-2", "us-west-2"));
        regions.put("eu", List.of("eu-central-1", "eu-west-1", "eu-west-3"));
        return regions;
    }

    /**
     * A price table of the models these tests allow: most by their foundation model, one profile also by its own id
     * (at other prices, to tell which entry was taken).
     */
    private static Map<String, Object> modelPrices() {
        Map<String, Object> models = new java.util.LinkedHashMap<>();
        models.put(
                "us.amazon.nova-lite-v1:0",
                new HashMap<>(Map.of(
                        "inputPer1k",
                        0.00007,
                        "outputPer1k",
                        0.00028,
                        "cacheReadPer1k",
                        0.0000175,
                        "cacheWritePer1k",
                        0)));
        models.put("amazon.nova-lite-v1:0", new HashMap<>(Map.of("inputPer1k", 0.00006, "outputPer1k", 0.00024)));
        models.put(
                "amazon.nova-pro-v1:0",
                new HashMap<>(Map.of("inputPer1k", 0.0008, "outputPer1k", 0.0032, "cacheReadPer1k", 0.0002)));
        models.put("amazon.nova-micro-v1:0", new HashMap<>(Map.of("inputPer1k", 0.000035, "outputPer1k", 0.00014)));
        models.put(
                "anthropic.claude-haiku-4-5-20251001-v1:0",
                new HashMap<>(Map.of("inputPer1k", 0.001, "outputPer1k", 0.005)));
        models.put(
                "anthropic.claude-3-sonnet-20240229-v1:0:28k",
                new HashMap<>(Map.of("inputPer1k", 0.003, "outputPer1k", 0.015)));
        Map<String, Object> table = new java.util.LinkedHashMap<>();
        table.put("takenOn", "2026-12-01");
        table.put("source", "https://aws.amazon.com/bedrock/pricing/");
        table.put("models", models);
        return table;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> env(Map<String, Object> environments, String name) {
        return (Map<String, Object>) environments.get(name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> child(Map<String, Object> settings, String key) {
        return (Map<String, Object>) settings.get(key);
    }

    private static Consumer<Map<String, Object>> set(String key, Object value) {
        return settings -> settings.put(key, value);
    }

    private static Consumer<Map<String, Object>> remove(String key) {
        return settings -> settings.remove(key);
    }

    /** Changes the object at {@code key}, an empty one when there is none yet. */
    @SuppressWarnings("unchecked")
    private static Consumer<Map<String, Object>> in(String key, Consumer<Map<String, Object>> change) {
        return settings -> change.accept((Map<String, Object>) settings.computeIfAbsent(key, none -> new HashMap<>()));
    }
}
