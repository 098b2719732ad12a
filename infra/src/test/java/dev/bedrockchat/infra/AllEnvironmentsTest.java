package dev.bedrockchat.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bedrockchat.infra.support.CdkJson;
import dev.bedrockchat.infra.support.Synthesized;
import dev.bedrockchat.infra.support.TestArtifacts;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.PolicyValidationPluginReport;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.services.s3.Bucket;

/** Every environment of the real cdk.json synthesizes, and cdk-nag finds nothing unacknowledged in it. */
class AllEnvironmentsTest {

    static Stream<String> environments() {
        return CdkJson.environmentNames().stream();
    }

    @ParameterizedTest
    @MethodSource("environments")
    void synthesizesItsStacksInTheirRegions(String name) {
        Synthesized app = Synthesized.environment(name);
        String title = app.config().title();
        List<String> expected = new java.util.ArrayList<>(
                List.of("Chat-" + title + "-Backend", "Chat-" + title + "-Web", "Chat-" + title + "-Cost"));
        if (app.config().waf().enabled()) {
            expected.add("Chat-" + title + "-Waf");
        }

        assertThat(app.stacks().all()).extracting(Stack::getStackName).containsExactlyElementsOf(expected);
        assertThat(app.stacks().backend().getRegion()).isEqualTo(app.config().region());
        assertThat(app.stacks().web().getRegion()).isEqualTo(app.config().region());
        // AWS::Budgets::Budget is not offered in every Region, and CloudFront's web ACLs live in us-east-1.
        assertThat(app.stacks().cost().getRegion()).isEqualTo("us-east-1");
        app.stacks().waf().ifPresent(waf -> assertThat(waf.getRegion()).isEqualTo("us-east-1"));
        assertThat(app.stacks().all())
                .allSatisfy(stack -> Annotations.fromStack(stack).hasNoError("*", Match.anyValue()));
    }

    @ParameterizedTest
    @MethodSource("environments")
    void cdkNagFindsNothingUnacknowledged(String name) {
        Synthesized app = Synthesized.environment(name);
        for (Stack stack : app.stacks().all()) {
            PolicyValidationPluginReport report =
                    AwsSolutionsChecks.Builder.create().verbose(false).build().validateScope(stack);
            assertThat(report.getViolations())
                    .as("cdk-nag findings in %s", stack.getStackName())
                    .extracting(violation -> violation.getRuleName() + " at "
                            + violation.getViolatingResources().stream()
                                    .map(resource -> resource.getConstructPath())
                                    .toList())
                    .isEmpty();
        }
    }

    @Test
    void anUnacknowledgedFindingFailsTheSynth() {
        Map<String, Object> context = CdkJson.context();
        context.putAll(TestArtifacts.context());
        App app = new App(AppProps.builder().context(context).build());
        ChatStacks stacks = ChatApp.build(app, Path.of("").toAbsolutePath());
        Bucket.Builder.create(stacks.cost(), "Unprotected").build();

        assertThatThrownBy(app::synth).hasMessageContaining("Validation failed");
        Path report = Path.of(app.getOutdir(), "validation-report.json");
        assertThat(report).exists();
        assertThat(readString(report)).contains("AwsSolutions-S1", "AwsSolutions-S10", "Chat-Dev-Cost/Unprotected");
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void everyEnvironmentIsTested() {
        assertThat(environments().toList()).isEqualTo(List.of("dev", "staging", "prod"));
    }
}
