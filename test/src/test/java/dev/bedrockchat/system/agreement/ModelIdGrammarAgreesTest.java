package dev.bedrockchat.system.agreement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bedrockchat.function.chat.ModelCatalog;
import dev.bedrockchat.infra.bedrock.ModelId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The model-id grammar is written twice: the infrastructure validates {@code models.allowed} with
 * {@link ModelId#isWellFormed} (and grants IAM on what it parses), the function validates a request's
 * {@code modelId} with {@link ModelCatalog#isWellFormed}. Both must accept the same ids; the one intended difference is
 * that the function also takes Bedrock ARNs (provisioned and imported models, application inference profiles), which
 * the configuration does not.
 */
class ModelIdGrammarAgreesTest {

    static List<String> validIds() {
        return List.of(
                // foundation models
                "amazon.nova-lite-v1:0",
                "amazon.nova-2-lite-v1:0",
                "amazon.titan-text-express-v1",
                "amazon.titan-text-lite-v1:0:4k",
                "amazon.nova-pro-v1:0:300k",
                "anthropic.claude-v2:1:200k",
                "anthropic.claude-3-5-sonnet-20241022-v2:0",
                "anthropic.claude-3-sonnet-20240229-v1:0:28k",
                "meta.llama3-3-70b-instruct-v1:0",
                "deepseek.r1-v1:0",
                "openai.gpt-oss-120b-1:0",
                "qwen.qwen3-32b-v1:0",
                "mistral.pixtral-large-2502-v1:0",
                "mistral.mistral-7b-instruct-v0:2",
                "cohere.command-r-plus-v1:0",
                "ai21.jamba-1-5-large-v1:0",
                "stability.sd3-5-large-v1:0",
                "twelvelabs.marengo-embed-2-7-v1:0",
                "google.gemma-3-27b-it",
                "moonshot.kimi-k2-thinking",
                // geographic and global cross-Region inference profiles
                "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "us.amazon.nova-lite-v1:0",
                "eu.amazon.nova-pro-v1:0",
                "apac.amazon.nova-micro-v1:0",
                "jp.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "us-gov.anthropic.claude-3-haiku-20240307-v1:0",
                "global.anthropic.claude-haiku-4-5-20251001-v1:0",
                "us.meta.llama4-maverick-17b-instruct-v1:0",
                "us.deepseek.r1-v1:0",
                // the longest segments Bedrock allows
                "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + ":" + "0".repeat(32) + ":1");
    }

    static List<String> invalidIds() {
        return List.of(
                "",
                " ",
                "nova",
                "amazon",
                "amazon.nova lite-v1:0",
                " amazon.nova-lite-v1:0",
                "amazon.nova-lite-v1:0 ",
                "Amazon.Nova-Lite-v1:0",
                "AMAZON.NOVA-LITE-V1:0",
                "*",
                "amazon.*",
                "us.*",
                "amazon.nova-*",
                "..",
                "amazon..nova",
                "../amazon.nova",
                ".amazon.nova",
                "amazon.nova.",
                "amazon.nova-lite-v1:0.",
                "us.amazon.nova.lite.v1:0",
                "amazon.nova-lite-v1:",
                "amazon.nova-lite-v1::0",
                "amazon.nova-lite-v1:0:1:2",
                "amazon.nova-lite-v1:0/../../x",
                "-amazon.nova",
                "amazon-.nova",
                "amazon.nova-",
                "amazon.nova_lite",
                "amazon/nova",
                "amazon.nova-lite-v1:0\n",
                "amazon.nova\tlite",
                "amazon.nova\u0000lite",
                "amazon.nova-lite-v1:0\u007f",
                "amazon." + "a".repeat(64),
                "amazon.nova-lite-v1:" + "0".repeat(33),
                "amazon." + "n".repeat(293),
                "arn:aws:s3:::bucket");
    }

    static List<String> arns() {
        return List.of(
                "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0",
                "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-lite-v1:0",
                "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6",
                "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abcdef012345",
                "arn:aws:bedrock:us-east-1:123456789012:imported-model/abcdef012345",
                "arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:provisioned-model/abcdef012345");
    }

    @ParameterizedTest
    @MethodSource("validIds")
    void bothAcceptAValidId(String id) {
        assertThat(ModelId.isWellFormed(id)).as("infra accepts %s", id).isTrue();
        assertThat(ModelCatalog.isWellFormed(id)).as("function accepts %s", id).isTrue();
    }

    @ParameterizedTest
    @MethodSource("invalidIds")
    void bothRefuseAnInvalidId(String id) {
        assertThat(ModelId.isWellFormed(id)).as("infra refuses '%s'", id).isFalse();
        assertThat(ModelCatalog.isWellFormed(id))
                .as("function refuses '%s'", id)
                .isFalse();
    }

    @ParameterizedTest
    @MethodSource("arns")
    void onlyTheFunctionAcceptsBedrockArns(String arn) {
        assertThat(ModelCatalog.isWellFormed(arn))
                .as("function accepts %s", arn)
                .isTrue();
        assertThat(ModelId.isWellFormed(arn)).as("infra refuses %s", arn).isFalse();
    }

    @Test
    void bothRefuseNull() {
        assertThat(ModelId.isWellFormed(null)).isFalse();
        assertThat(ModelCatalog.isWellFormed(null)).isFalse();
    }

    @ParameterizedTest
    @MethodSource("validIds")
    void theInfraSplitsAnAcceptedIdIntoProfileAndFoundationModel(String id) {
        ModelId model = ModelId.parse(id);
        String beforeVersion = id.split(":", 2)[0];
        if (beforeVersion.chars().filter(c -> c == '.').count() == 2) {
            String prefix = id.substring(0, id.indexOf('.'));
            assertThat(model.profilePrefix()).contains(prefix);
            assertThat(model.foundationModelId()).isEqualTo(id.substring(prefix.length() + 1));
        } else {
            assertThat(model.profilePrefix()).isEmpty();
            assertThat(model.foundationModelId()).isEqualTo(id);
        }
    }
}
