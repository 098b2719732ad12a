package dev.bedrockchat.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.infra.support.CdkJson;
import dev.bedrockchat.infra.support.TestArtifacts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The app as the CDK CLI runs it: a separate JVM that gets its context in CDK_CONTEXT_JSON. (Each problem's message
 * is tested in-process; this proves that main prints it alone and exits with 1.)
 */
class ChatAppMainTest {

    @Test
    @SuppressWarnings("unchecked")
    void aBadSettingIsOneLineOnStandardErrorAndExitCode1() throws Exception {
        Map<String, Object> context = CdkJson.context();
        context.putAll(TestArtifacts.context());
        context.put("env", "prod");
        ((Map<String, Object>) ((Map<String, Object>) context.get("environments")).get("prod")).put("budgetUsd", -5);

        Result result = run(context);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderrLines())
                .containsExactly("environments.prod.budgetUsd must be a positive number of"
                        + " US dollars (got -5): fix it in cdk.json");
        assertThat(result.stdout()).isEmpty();
    }

    @Test
    void aPrivateCopyOfTheProductionEnvironmentIsRefusedOnOneLine() throws Exception {
        Map<String, Object> context = CdkJson.context();
        context.putAll(TestArtifacts.context());
        context.put("env", "prod");
        context.put("stage", "alice");

        Result result = run(context);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderrLines())
                .containsExactly("-c stage=alice makes no private copy of prod, which is production: true in"
                        + " cdk.json: copy a non-production environment, e.g. -c env=dev -c stage=alice");
        assertThat(result.stdout()).isEmpty();
    }

    @Test
    void aPrivateCopyAndThePipelineTogetherAreRefusedOnOneLine() throws Exception {
        Map<String, Object> context = CdkJson.context();
        context.putAll(TestArtifacts.context());
        context.put("pipeline", "true");
        context.put("stage", "alice");

        Result result = run(context);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderrLines())
                .containsExactly("-c stage=alice and -c pipeline=true do not go together: the pipeline deploys the"
                        + " environments themselves and private copies are deployed from a laptop; leave out one of"
                        + " them");
    }

    private static Result run(Map<String, Object> context) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                ChatApp.class.getName());
        builder.environment().put("CDK_CONTEXT_JSON", new ObjectMapper().writeValueAsString(context));
        builder.environment().put("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20");
        builder.environment().put("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1");
        Process process = builder.start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the app did not finish");
        }
        return new Result(
                process.exitValue(),
                stdout,
                stderr.lines().filter(line -> !line.isBlank()).toList());
    }

    private record Result(int exitCode, String stdout, List<String> stderrLines) {}
}
