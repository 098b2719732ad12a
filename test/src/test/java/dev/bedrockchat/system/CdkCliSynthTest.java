package dev.bedrockchat.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.system.support.CdkCli;
import dev.bedrockchat.system.support.Http;
import dev.bedrockchat.system.support.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code npx cdk synth -c env=NAME} as an operator runs it, for every environment in cdk.json: the pinned CDK CLI, the
 * app command of cdk.json, no AWS credentials, no network.
 */
class CdkCliSynthTest {

    static List<String> environments() throws IOException {
        JsonNode cdkJson = Http.parse(Files.readString(Repo.root().resolve("cdk.json")));
        List<String> names = new ArrayList<>();
        cdkJson.path("context").path("environments").fieldNames().forEachRemaining(names::add);
        return names;
    }

    /**
     * The stacks an environment has: Backend, Web and Cost, and its own WAF stack (in us-east-1) where cdk.json turns
     * the web ACL on.
     */
    static List<String> expectedStacks(String environment) throws IOException {
        JsonNode settings = Http.parse(Files.readString(Repo.root().resolve("cdk.json")))
                .path("context")
                .path("environments")
                .path(environment);
        String prefix = "Chat-" + Character.toUpperCase(environment.charAt(0)) + environment.substring(1);
        List<String> stacks = new ArrayList<>(List.of(prefix + "-Backend", prefix + "-Web", prefix + "-Cost"));
        if (settings.path("waf").path("enabled").asBoolean(false)) {
            stacks.add(prefix + "-Waf");
        }
        return stacks;
    }

    @ParameterizedTest
    @MethodSource("environments")
    void synthesizesEveryStackOfTheEnvironmentOffline(String environment) throws IOException {
        CdkCli.Synth synth = CdkCli.synth(environment, Repo.outputDir("synth").resolve(environment + ".log"));

        assertThat(synth.exitCode())
                .as("cdk synth exit code; output:%n%s", synth.output())
                .isZero();
        JsonNode manifest = Http.parse(Files.readString(synth.outputDir().resolve("manifest.json")));
        List<String> templates = new ArrayList<>();
        manifest.path("artifacts").properties().forEach(artifact -> {
            if (artifact.getValue().path("type").asText().equals("aws:cloudformation:stack")) {
                templates.add(artifact.getValue()
                        .path("properties")
                        .path("templateFile")
                        .asText());
            }
        });
        assertThat(templates)
                .as("stacks of %s", environment)
                .containsExactlyInAnyOrderElementsOf(expectedStacks(environment).stream()
                        .map(stack -> stack + ".template.json")
                        .toList());
        for (String template : templates) {
            JsonNode body = Http.parse(Files.readString(synth.outputDir().resolve(template)));
            assertThat(body.path("Resources").size()).as(template).isPositive();
        }
        System.out.printf(
                "cdk synth -c env=%s: %d stacks in %.1f s%n",
                environment, templates.size(), synth.elapsed().toMillis() / 1000.0);
    }

    /**
     * Two synths of the same code and settings write the same templates byte for byte, so `cdk diff` shows only real
     * changes. Each synth runs in its own JVM, where the iteration order of Java's immutable maps differs.
     */
    @Test
    void synthesizingTwiceWritesTheSameTemplates() throws IOException {
        CdkCli.Synth first = CdkCli.synth("prod", Repo.outputDir("synth").resolve("prod-first.log"));
        CdkCli.Synth second = CdkCli.synth("prod", Repo.outputDir("synth").resolve("prod-second.log"));

        assertThat(first.exitCode()).as(first.output()).isZero();
        assertThat(second.exitCode()).as(second.output()).isZero();
        try (Stream<Path> templates = Files.list(first.outputDir())) {
            List<Path> files = templates
                    .filter(p -> p.toString().endsWith(".template.json"))
                    .toList();
            assertThat(files)
                    .map(file -> file.getFileName().toString())
                    .containsExactlyInAnyOrderElementsOf(expectedStacks("prod").stream()
                            .map(stack -> stack + ".template.json")
                            .toList());
            for (Path template : files) {
                assertThat(Files.readString(second.outputDir().resolve(template.getFileName())))
                        .as(template.getFileName().toString())
                        .isEqualTo(Files.readString(template));
            }
        }
    }
}
