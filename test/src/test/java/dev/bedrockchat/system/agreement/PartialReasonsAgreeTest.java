package dev.bedrockchat.system.agreement;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bedrockchat.function.chat.PartialReason;
import dev.bedrockchat.system.support.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Why a stored answer is partial is written three times: the function's {@link PartialReason}, the
 * {@code partialReason} enum of function/openapi.yaml, and the page's words for each in
 * frontend/src/js/partial-answers.js ("Answer cut off: …"). All three must name the same reasons.
 */
class PartialReasonsAgreeTest {

    @Test
    void theFunctionTheApiAndThePageNameTheSameReasons() throws IOException {
        Set<String> function = new TreeSet<>(Arrays.stream(PartialReason.values())
                .map(PartialReason::wireName)
                .toList());

        JsonNode spec = new ObjectMapper(new YAMLFactory())
                .readTree(Repo.root().resolve("function/openapi.yaml").toFile());
        Set<String> documented = new TreeSet<>();
        spec.at("/components/schemas/Conversation/properties/messages/items/properties/partialReason/enum")
                .forEach(reason -> documented.add(reason.asText()));

        String page = Files.readString(Repo.root().resolve("frontend/src/js/partial-answers.js"));
        Matcher literal =
                Pattern.compile("(?s)const SERVER_REASONS = \\{(.*?)\\n};").matcher(page);
        assertThat(literal.find())
                .as("partial-answers.js defines SERVER_REASONS")
                .isTrue();
        Set<String> worded = new TreeSet<>();
        Matcher keys = Pattern.compile("(?m)^\\s*(\\w+)\\s*:").matcher(literal.group(1));
        while (keys.find()) {
            worded.add(keys.group(1));
        }

        assertThat(function).contains("client_disconnected", "model_error");
        assertThat(documented).as("openapi.yaml's partialReason enum").isEqualTo(function);
        assertThat(worded).as("the page's words for each reason").isEqualTo(function);
    }
}
