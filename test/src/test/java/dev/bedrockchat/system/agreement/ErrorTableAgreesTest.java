package dev.bedrockchat.system.agreement;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bedrockchat.system.support.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The error codes are written twice: the API documents them in function/openapi.yaml (the error envelope's
 * {@code code} enum, and under each status the codes it answers with), and the page's frontend/src/js/errors.js has a
 * sentence for each and the status each stands for. Both must name the same codes with the same statuses.
 */
class ErrorTableAgreesTest {
    private static final Pattern BACKTICKED = Pattern.compile("`(\\w+)`");

    private static Set<String> documentedCodes;
    /** Status to the codes the API documents under it (the backticked codes of each response's description). */
    private static Map<Integer, Set<String>> documentedByStatus;

    private static String errorsJs;

    @BeforeAll
    static void read() throws IOException {
        JsonNode spec = new ObjectMapper(new YAMLFactory())
                .readTree(Repo.root().resolve("function/openapi.yaml").toFile());
        documentedCodes = new TreeSet<>();
        spec.at("/components/schemas/ErrorEnvelope/properties/error/properties/code/enum")
                .forEach(code -> documentedCodes.add(code.asText()));

        documentedByStatus = new TreeMap<>();
        spec.path("paths")
                .forEach(path -> path.forEach(operation -> operation
                        .path("responses")
                        .properties()
                        .forEach(response -> {
                            if (!response.getKey().matches("[45]\\d\\d")) {
                                return;
                            }
                            JsonNode described = response.getValue();
                            if (described.has("$ref")) {
                                described =
                                        spec.at(described.path("$ref").asText().substring(1));
                            }
                            Matcher codes = BACKTICKED.matcher(
                                    described.path("description").asText());
                            while (codes.find()) {
                                if (documentedCodes.contains(codes.group(1))) {
                                    documentedByStatus
                                            .computeIfAbsent(
                                                    Integer.parseInt(response.getKey()), status -> new TreeSet<>())
                                            .add(codes.group(1));
                                }
                            }
                        })));

        errorsJs = Files.readString(Repo.root().resolve("frontend/src/js/errors.js"));
    }

    @Test
    void theApiDocumentsCodes() {
        assertThat(documentedCodes).contains("ValidationError", "Throttled", "InternalError");
        assertThat(documentedByStatus.values().stream().flatMap(Set::stream))
                .as("every code of the enum is documented under a status")
                .containsExactlyInAnyOrderElementsOf(documentedCodes);
    }

    @Test
    void everyDocumentedCodeHasASentenceOnThePageAndNoOtherCodeDoes() {
        Set<String> withSentence = new TreeSet<>();
        Matcher keys = Pattern.compile("(?m)^\\s*(\\w+)\\s*:").matcher(objectLiteral("FALLBACK_MESSAGES"));
        while (keys.find()) {
            withSentence.add(keys.group(1));
        }

        assertThat(withSentence).isEqualTo(documentedCodes);
    }

    @Test
    void everyCodeThePageNamesIsDocumentedUnderTheStatusThePageGivesIt() {
        Map<String, Integer> statusByCode = new TreeMap<>();
        Matcher byStatus =
                Pattern.compile("(?m)^\\s*(\\d{3})\\s*:\\s*'(\\w+)'").matcher(objectLiteral("CODE_BY_STATUS"));
        while (byStatus.find()) {
            statusByCode.put(byStatus.group(2), Integer.parseInt(byStatus.group(1)));
        }
        Matcher byCode = Pattern.compile("(?m)^\\s*(\\w+)\\s*:\\s*(\\d{3})").matcher(objectLiteral("STATUS_BY_CODE"));
        while (byCode.find()) {
            statusByCode.put(byCode.group(1), Integer.parseInt(byCode.group(2)));
        }

        assertThat(statusByCode.keySet()).as("codes errors.js maps to statuses").isEqualTo(documentedCodes);
        statusByCode.forEach((code, status) -> assertThat(documentedByStatus.getOrDefault(status, Set.of()))
                .as("errors.js gives %s the status %d; openapi.yaml documents under %d", code, status, status)
                .contains(code));
    }

    @Test
    void theCodesThePageComparesWithAreDocumented() {
        Matcher compared = Pattern.compile("code\\s*===?\\s*'(\\w+)'").matcher(errorsJs);
        Set<String> codes = new TreeSet<>();
        while (compared.find()) {
            codes.add(compared.group(1));
        }
        assertThat(codes).isNotEmpty();
        assertThat(documentedCodes).containsAll(codes);
    }

    /** The body of {@code const name = { ... };} in errors.js. */
    private static String objectLiteral(String name) {
        Matcher literal =
                Pattern.compile("(?s)const " + name + " = \\{(.*?)\\n};").matcher(errorsJs);
        assertThat(literal.find()).as("errors.js defines %s", name).isTrue();
        return literal.group(1);
    }
}
