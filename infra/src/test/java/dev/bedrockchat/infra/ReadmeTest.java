package dev.bedrockchat.infra;

import static dev.bedrockchat.infra.support.Cfn.map;
import static dev.bedrockchat.infra.support.Cfn.properties;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bedrockchat.infra.config.EnvironmentConfigLoader;
import dev.bedrockchat.infra.support.Cfn;
import dev.bedrockchat.infra.support.Synthesized;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The operator's documentation says what the code does: the adapter layer it pins, the S3 access it grants, the
 * outputs its commands read.
 */
class ReadmeTest {
    private static final Path README = Path.of("../README.md");

    @Test
    void theSettingsTableNamesTheAdapterReleaseBesideTheLayer() throws IOException {
        String row = Files.readAllLines(README).stream()
                .filter(line -> line.startsWith("| `function.webAdapterLayerVersion` |"))
                .findFirst()
                .orElseThrow();
        assertThat(row)
                .contains("`" + EnvironmentConfigLoader.RECOMMENDED_WEB_ADAPTER_LAYER_VERSION + "` (v1.1.0)")
                .contains("27 = v1.0.0")
                .contains("withdrawn 29");
    }

    @Test
    void theSecuritySectionListsExactlyTheS3ActionsOfTheFunctionsRole() throws IOException {
        String readme = Files.readString(README);
        String security = readme.substring(readme.indexOf("## Security"), readme.indexOf("## Repository layout"));
        TreeSet<String> documented = new TreeSet<>();
        Matcher action = Pattern.compile("`(s3:[A-Za-z]+)`").matcher(security);
        while (action.find()) {
            documented.add(action.group(1));
        }

        Map<String, Object> role = Cfn.only(Synthesized.environment("dev")
                .backend()
                .findResources("AWS::IAM::Role", Map.of("Properties", Map.of("RoleName", "Chat-Dev-Function"))));
        TreeSet<String> granted = new TreeSet<>();
        for (Object policy : Cfn.list(properties(role).get("Policies"))) {
            for (Object statement :
                    Cfn.list(map(map(policy).get("PolicyDocument")).get("Statement"))) {
                Cfn.strings(map(statement).get("Action")).stream()
                        .filter(name -> name.startsWith("s3:"))
                        .forEach(granted::add);
            }
        }
        assertThat(granted).isNotEmpty();
        assertThat(List.copyOf(documented)).isEqualTo(List.copyOf(granted));
    }

    /** The README's commands look up stack outputs by key: each key is an output of the stack they name. */
    @Test
    void everyStackOutputTheCommandsReadExists() throws IOException {
        String readme = Files.readString(README);
        Matcher lookup = Pattern.compile(
                        "--stack-name (Chat-([A-Z][a-z]+)-[A-Za-z]+) \\\\\\s*--query \"Stacks\\[0\\]\\.Outputs\\[\\?OutputKey=='([A-Za-z]+)'\\]")
                .matcher(readme);
        int found = 0;
        while (lookup.find()) {
            found++;
            String stackName = lookup.group(1);
            Synthesized app = Synthesized.environment(lookup.group(2).toLowerCase(java.util.Locale.ROOT));
            var stack = app.stacks().all().stream()
                    .filter(candidate -> candidate.getStackName().equals(stackName))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no stack " + stackName));
            assertThat(app.templates().get(stack).findOutputs(lookup.group(3)))
                    .as("output %s of %s", lookup.group(3), stackName)
                    .isNotEmpty();
        }
        assertThat(found).isEqualTo(3);
    }
}
