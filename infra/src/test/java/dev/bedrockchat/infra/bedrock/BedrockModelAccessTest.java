package dev.bedrockchat.infra.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bedrockchat.infra.config.EnvironmentConfig.Models;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BedrockModelAccessTest {
    private static final Map<String, List<String>> PROFILE_REGIONS = Map.of(
            "us", List.of("us-east-1", "us-east-2", "us-west-2"),
            "eu", List.of("eu-central-1", "eu-west-1"));

    @Test
    void aFoundationModelIsInvokedInTheStackRegionOnly() {
        BedrockModelAccess access = access("amazon.nova-micro-v1:0");

        assertThat(access.directResources())
                .containsExactly("arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0");
        assertThat(access.inferenceProfileArns()).isEmpty();
        assertThat(access.routedModelArns()).isEmpty();
        assertThat(access.roleStatements()).hasSize(1);
    }

    @Test
    void aGeographicProfileNeedsTheProfileAndTheModelInEachOfItsRegions() {
        BedrockModelAccess access = access("us.amazon.nova-lite-v1:0");

        assertThat(access.directResources())
                .containsExactly("arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.amazon.nova-lite-v1:0");
        assertThat(access.routedModelArns())
                .containsExactly(
                        "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0",
                        "arn:aws:bedrock:us-east-2::foundation-model/amazon.nova-lite-v1:0",
                        "arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-lite-v1:0");
    }

    @Test
    void aGlobalProfileNeedsTheRegionlessModel() {
        BedrockModelAccess access = access("global.anthropic.claude-haiku-4-5-20251001-v1:0");

        assertThat(access.directResources())
                .containsExactly("arn:aws:bedrock:us-east-1:111122223333:"
                        + "inference-profile/global.anthropic.claude-haiku-4-5-20251001-v1:0");
        assertThat(access.routedModelArns())
                .containsExactly(
                        "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0",
                        "arn:aws:bedrock:::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0");
    }

    @Test
    void modelsBehindProfilesAreOnlyGrantedThroughThoseProfiles() {
        BedrockModelAccess access =
                access("amazon.nova-micro-v1:0", "us.amazon.nova-lite-v1:0", "eu.amazon.nova-pro-v1:0");

        var statements = access.roleStatements();
        assertThat(statements).hasSize(2);
        var routed = statements.get(1).toStatementJson();
        assertThat(routed.toString()).contains("bedrock:InferenceProfileArn");
        assertThat(access.inferenceProfileArns())
                .containsExactly(
                        "arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.amazon.nova-lite-v1:0",
                        "arn:aws:bedrock:us-east-1:111122223333:inference-profile/eu.amazon.nova-pro-v1:0");
        assertThat(access.routedModelArns())
                .contains(
                        "arn:aws:bedrock:eu-central-1::foundation-model/amazon.nova-pro-v1:0",
                        "arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-pro-v1:0");
        assertThat(access.allResources()).noneMatch(arn -> arn.contains("*"));
        assertThat(statements)
                .allSatisfy(statement -> assertThat(statement.getActions())
                        .containsExactly("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"));
    }

    @Test
    void aProfileWithRegionsOfItsOwnIsGrantedExactlyThere() {
        Models models = new Models(
                "us.amazon.nova-lite-v1:0",
                List.of("us.amazon.nova-lite-v1:0", "us.anthropic.claude-haiku-4-5-20251001-v1:0"),
                PROFILE_REGIONS,
                Map.of(
                        "us.anthropic.claude-haiku-4-5-20251001-v1:0",
                        List.of("us-east-1", "us-east-2", "us-west-1", "us-west-2")));

        BedrockModelAccess access = BedrockModelAccess.of(models, "aws", "us-east-1", "111122223333");

        assertThat(access.routedModelArns())
                .containsExactly(
                        "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0",
                        "arn:aws:bedrock:us-east-2::foundation-model/amazon.nova-lite-v1:0",
                        "arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-lite-v1:0",
                        "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0",
                        "arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0",
                        "arn:aws:bedrock:us-west-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0",
                        "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0");
    }

    @Test
    void theEndpointAllowsTheSameExactArnsWithoutTheProfileCondition() {
        BedrockModelAccess access = access("amazon.nova-micro-v1:0", "us.amazon.nova-lite-v1:0");

        var statements = access.endpointStatements(new software.amazon.awscdk.services.iam.AnyPrincipal());

        assertThat(statements).singleElement().satisfies(statement -> {
            assertThat(statement.getResources()).containsExactlyElementsOf(access.allResources());
            assertThat(statement.getActions())
                    .containsExactly("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream");
            assertThat(statement.getHasPrincipal()).isTrue();
            assertThat(statement.toStatementJson().toString()).doesNotContain("bedrock:InferenceProfileArn");
        });
        assertThat(access.allResources())
                .containsExactly(
                        "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0",
                        "arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.amazon.nova-lite-v1:0",
                        "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0",
                        "arn:aws:bedrock:us-east-2::foundation-model/amazon.nova-lite-v1:0",
                        "arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-lite-v1:0");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "amazon.nova-lite-v1:0",
                "us.amazon.nova-lite-v1:0",
                "cohere.command-r-v1:0",
                "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "amazon.titan-text-express-v1",
                "anthropic.claude-3-sonnet-20240229-v1:0:28k",
                "apac.amazon.nova-micro-v1:0"
            })
    void wellFormedIds(String id) {
        assertThat(ModelId.isWellFormed(id)).isTrue();
        assertThat(ModelId.parse(id).foundationModelId())
                .doesNotContain("*")
                .endsWith(id.substring(id.lastIndexOf('.') + 1));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "nova",
                "amazon.*",
                "*",
                "Amazon.Nova-Lite-v1:0",
                "us.amazon.nova.lite.v1:0",
                "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0",
                "amazon nova"
            })
    void malformedIds(String id) {
        assertThat(ModelId.isWellFormed(id)).isFalse();
        assertThatThrownBy(() -> ModelId.parse(id)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parsesProfilePrefixes() {
        assertThat(ModelId.parse("us.amazon.nova-lite-v1:0"))
                .isEqualTo(
                        new ModelId("us.amazon.nova-lite-v1:0", java.util.Optional.of("us"), "amazon.nova-lite-v1:0"));
        assertThat(ModelId.parse("amazon.nova-lite-v1:0").isInferenceProfile()).isFalse();
        assertThat(ModelId.parse("global.anthropic.claude-haiku-4-5-20251001-v1:0")
                        .isGlobalProfile())
                .isTrue();
    }

    private static BedrockModelAccess access(String... ids) {
        Models models = new Models(ids[0], List.of(ids), PROFILE_REGIONS);
        return BedrockModelAccess.of(models, "aws", "us-east-1", "111122223333");
    }
}
