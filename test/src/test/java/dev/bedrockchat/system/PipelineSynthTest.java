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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code npx cdk synth -c pipeline=true} and the private copies as an operator runs them: the pinned CDK CLI with the
 * project's cdk.json, no AWS credentials, no network.
 */
class PipelineSynthTest {

    @Test
    void thePipelineSynthesizesOfflineWithAStageOfEachEnvironmentInTheConfiguredOrder() throws IOException {
        CdkCli.Synth synth = CdkCli.synth("pipeline", log("pipeline.log"), List.of("pipeline=true"));

        assertThat(synth.exitCode())
                .as("cdk synth -c pipeline=true exit code; output:%n%s", synth.output())
                .isZero();
        JsonNode manifest = json(synth.outputDir().resolve("manifest.json"));
        assertThat(artifactsOfType(manifest, "aws:cloudformation:stack")).containsExactly("Chat-Pipeline");

        List<String> stages = new ArrayList<>();
        // A stage is an environment's name, or {"env": NAME, "account": ID} for one without an account of its own.
        cdkJson()
                .path("context")
                .path("pipelineSettings")
                .path("stages")
                .forEach(stage -> stages.add(
                        stage.isTextual() ? stage.asText() : stage.path("env").asText()));
        assertThat(stages).containsExactly("dev", "staging", "prod");
        JsonNode pipeline = json(synth.outputDir().resolve("Chat-Pipeline.template.json"));
        List<String> stageNames = new ArrayList<>();
        resourcesOfType(pipeline, "AWS::CodePipeline::Pipeline")
                .get(0)
                .path("Properties")
                .path("Stages")
                .forEach(stage -> stageNames.add(stage.path("Name").asText()));
        assertThat(stageNames).containsExactly("Source", "Build", "UpdatePipeline", "Assets", "Dev", "Staging", "Prod");

        // Each stage is a nested cloud assembly of the environment's stacks (the WAF stack too, where the environment
        // has one), whose assets (the function package, the page) were written by this synth: no stage builds again.
        for (String stage : stages) {
            String title = stage.substring(0, 1).toUpperCase() + stage.substring(1);
            Path assembly = synth.outputDir().resolve("assembly-Chat-Pipeline-" + title);
            JsonNode stageManifest = json(assembly.resolve("manifest.json"));
            assertThat(stackNames(stageManifest))
                    .containsExactlyInAnyOrderElementsOf(CdkCliSynthTest.expectedStacks(stage));
            for (Path assets : assetManifests(assembly)) {
                json(assets).path("files").properties().forEach(asset -> {
                    Path source = assembly.resolve(
                            asset.getValue().path("source").path("path").asText());
                    assertThat(source)
                            .as("asset %s of %s", asset.getKey(), assets)
                            .exists();
                });
            }
        }
        System.out.printf(
                "cdk synth -c pipeline=true: %.1f s%n", synth.elapsed().toMillis() / 1000.0);
    }

    @Test
    void thePipelineSynthesizesTheSameTemplatesTwice() throws IOException {
        CdkCli.Synth first = CdkCli.synth("pipeline-first", log("pipeline-first.log"), List.of("pipeline=true"));
        CdkCli.Synth second = CdkCli.synth("pipeline-second", log("pipeline-second.log"), List.of("pipeline=true"));

        assertThat(first.exitCode()).as(first.output()).isZero();
        assertThat(second.exitCode()).as(second.output()).isZero();
        Map<Path, String> templates = templates(first.outputDir());
        int stageStacks = 0;
        for (String stage : List.of("dev", "staging", "prod")) {
            stageStacks += CdkCliSynthTest.expectedStacks(stage).size();
        }
        // Chat-Pipeline and the stacks of every stage.
        assertThat(templates).hasSize(1 + stageStacks);
        templates.forEach(
                (relative, text) -> assertThat(readString(second.outputDir().resolve(relative)))
                        .as(relative.toString())
                        .isEqualTo(text));
    }

    @Test
    void aPrivateCopySynthesizesUnderItsOwnStackNames() throws IOException {
        CdkCli.Synth synth = CdkCli.synth("dev-alice", log("dev-alice.log"), List.of("env=dev", "stage=alice"));

        assertThat(synth.exitCode()).as(synth.output()).isZero();
        assertThat(stackNames(json(synth.outputDir().resolve("manifest.json"))))
                .containsExactlyInAnyOrder("Chat-Dev-Alice-Backend", "Chat-Dev-Alice-Web", "Chat-Dev-Alice-Cost");
        JsonNode backend = json(synth.outputDir().resolve("Chat-Dev-Alice-Backend.template.json"));
        assertThat(resourcesOfType(backend, "AWS::IAM::Role"))
                .extracting(role -> role.path("Properties").path("RoleName").asText())
                .contains("Chat-Dev-Alice-Function");
        assertThat(resourcesOfType(backend, "AWS::ApiGateway::Account")).isEmpty();
    }

    @Test
    void aPrivateCopyOfProductionOrBesideThePipelineIsRefusedOnOneLine() {
        CdkCli.Synth production = CdkCli.synth("prod-alice", log("prod-alice.log"), List.of("env=prod", "stage=alice"));
        CdkCli.Synth withPipeline =
                CdkCli.synth("pipeline-alice", log("pipeline-alice.log"), List.of("pipeline=true", "stage=alice"));

        assertThat(production.exitCode()).isNotZero();
        assertThat(production.output())
                .contains("-c stage=alice makes no private copy of prod, which is production: true in cdk.json:"
                        + " copy a non-production environment, e.g. -c env=dev -c stage=alice\n");
        assertThat(withPipeline.exitCode()).isNotZero();
        assertThat(withPipeline.output())
                .contains("-c stage=alice and -c pipeline=true do not go together: the pipeline deploys the"
                        + " environments themselves and private copies are deployed from a laptop; leave out one of"
                        + " them\n");
        for (CdkCli.Synth refused : List.of(production, withPipeline)) {
            assertThat(refused.output()).doesNotContain("Exception", "\tat ");
        }
    }

    private static Path log(String name) {
        return Repo.outputDir("synth").resolve(name);
    }

    private static JsonNode cdkJson() throws IOException {
        return json(Repo.root().resolve("cdk.json"));
    }

    private static JsonNode json(Path file) throws IOException {
        return Http.parse(Files.readString(file));
    }

    private static List<String> artifactsOfType(JsonNode manifest, String type) {
        List<String> names = new ArrayList<>();
        manifest.path("artifacts").properties().forEach(artifact -> {
            if (artifact.getValue().path("type").asText().equals(type)) {
                names.add(artifact.getKey());
            }
        });
        return names;
    }

    private static List<String> stackNames(JsonNode manifest) {
        List<String> names = new ArrayList<>();
        manifest.path("artifacts").properties().forEach(artifact -> {
            if (artifact.getValue().path("type").asText().equals("aws:cloudformation:stack")) {
                // The manifest names the stack only where its artifact id differs (in a stage's assembly).
                names.add(
                        artifact.getValue().path("properties").path("stackName").asText(artifact.getKey()));
            }
        });
        return names;
    }

    private static List<JsonNode> resourcesOfType(JsonNode template, String type) {
        List<JsonNode> found = new ArrayList<>();
        template.path("Resources").forEach(resource -> {
            if (resource.path("Type").asText().equals(type)) {
                found.add(resource);
            }
        });
        return found;
    }

    private static List<Path> assetManifests(Path assembly) throws IOException {
        try (Stream<Path> files = Files.list(assembly)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".assets.json"))
                    .sorted()
                    .toList();
        }
    }

    /** Every template of the cloud assembly, nested assemblies included, by its path relative to it. */
    private static Map<Path, String> templates(Path outputDir) throws IOException {
        Map<Path, String> templates = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(outputDir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".template.json"))
                    .sorted()
                    .toList()) {
                templates.put(outputDir.relativize(file), Files.readString(file));
            }
        }
        return templates;
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
