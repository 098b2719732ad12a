package dev.bedrockchat.function.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ModelCatalogTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "amazon.nova-lite-v1:0",
                "us.amazon.nova-pro-v1:0",
                "eu.anthropic.claude-sonnet-4-20250514-v1:0",
                "apac.amazon.nova-micro-v1:0",
                "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "us-gov.anthropic.claude-3-haiku-20240307-v1:0",
                "meta.llama3-3-70b-instruct-v1:0",
                "deepseek.r1-v1:0",
                "amazon.nova-pro-v1:0:300k",
                "mistral.mistral-large-2407-v1:0",
                "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-lite-v1:0",
                "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0"
            })
    void bedrockModelIdsAreWellFormed(String id) {
        assertThat(ModelCatalog.isWellFormed(id)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "nova",
                "Amazon.Nova-Lite",
                "amazon.nova lite",
                "../amazon.nova",
                "amazon..nova",
                "amazon.nova-lite-v1:0/../../x",
                "arn:aws:s3:::bucket",
                "amazon.nova-lite-v1:0\n"
            })
    void otherStringsAreNot(String id) {
        assertThat(ModelCatalog.isWellFormed(id)).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
        "amazon.nova-micro-v1:0,                           Nova Micro",
        "us.amazon.nova-lite-v1:0,                         Nova Lite (US)",
        "eu.amazon.nova-pro-v1:0,                          Nova Pro (EU)",
        "us.amazon.nova-premier-v1:0,                      Nova Premier (US)",
        "global.anthropic.claude-sonnet-4-5-20250929-v1:0, Claude Sonnet 4.5 (Global)",
        "us.anthropic.claude-haiku-4-5-20251001-v1:0,      Claude Haiku 4.5 (US)",
        "apac.anthropic.claude-sonnet-4-20250514-v1:0,     Claude Sonnet 4 (APAC)",
        "meta.llama3-3-70b-instruct-v1:0,                  Llama 3.3 70B Instruct",
        "cohere.command-r-plus-v1:0,                       Command R Plus",
        "ai21.jamba-1-5-large-v1:0,                        Jamba 1 5 Large",
        "qwen.qwen3-32b-v1:0,                              Qwen3 32B"
    })
    void labelsAreKnownOrDerivedFromTheId(String id, String label) {
        assertThat(ModelCatalog.labelOf(id)).isEqualTo(label);
    }

    @Test
    void theDefaultComesFirstAndDuplicatesAreDropped() {
        var catalog =
                new ModelCatalog("amazon.nova-lite-v1:0", List.of("amazon.nova-pro-v1:0", "amazon.nova-lite-v1:0"));

        assertThat(catalog.models())
                .extracting(ModelCatalog.Model::id)
                .containsExactly("amazon.nova-lite-v1:0", "amazon.nova-pro-v1:0");
    }

    @Test
    void resolvingPicksTheDefaultOrAnAllowedModel() {
        var catalog = new ModelCatalog("amazon.nova-lite-v1:0", List.of("us.amazon.nova-pro-v1:0"));

        assertThat(catalog.resolve(Optional.empty())).isEqualTo("amazon.nova-lite-v1:0");
        assertThat(catalog.resolve(Optional.of("us.amazon.nova-pro-v1:0"))).isEqualTo("us.amazon.nova-pro-v1:0");
        assertThatThrownBy(() -> catalog.resolve(Optional.of("amazon.nova-pro-v1:0")))
                .isInstanceOfSatisfying(
                        ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MODEL_NOT_ALLOWED));
        assertThatThrownBy(() -> catalog.resolve(Optional.of("not a model")))
                .isInstanceOfSatisfying(
                        ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_ERROR));
    }

    @Test
    void aMalformedConfiguredIdIsRefusedAtStartUp() {
        assertThatThrownBy(() -> new ModelCatalog("amazon.nova-lite-v1:0", List.of("bad id")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'bad id'");
    }
}
