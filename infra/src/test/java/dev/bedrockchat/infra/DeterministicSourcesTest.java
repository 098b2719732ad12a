package dev.bedrockchat.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Synthesis is byte-for-byte repeatable only if no unordered collection reaches a template. Two synths in two JVMs
 * catch a new {@code Map.of} only about half the time (its iteration order is seeded per JVM); this scan catches it
 * always: the app's sources make their maps with {@code support/Ordered} and never use the JDK's unordered
 * collections, except where an explicit entry below says why the order cannot reach a template.
 */
class DeterministicSourcesTest {
    private static final Path SOURCES = Path.of("src/main/java/dev/bedrockchat/infra");

    /** Unordered (or seed-ordered) collections: each name is matched as a whole word. */
    private static final Pattern UNORDERED = Pattern.compile("\\b(Map\\.of\\(|Map\\.ofEntries\\(|new HashMap\\b"
            + "|HashSet\\b|Set\\.of\\(|Map\\.copyOf\\(|Set\\.copyOf\\(|Collectors\\.toMap\\(|Collectors\\.toSet\\("
            + "|Collectors\\.groupingBy\\()");

    /** file (relative to the sources) → construct allowed there, each with the reason its order never matters. */
    private static final Map<String, List<Allowed>> ALLOWED = Map.of(
            "config/EnvironmentConfigLoader.java",
            List.of(
                    new Allowed(
                            "Set.of(",
                            "validation only: the known keys of each JSON object are looked up, and printed sorted"
                                    + " (TreeSet) in the error message"),
                    new Allowed(
                            "HashSet",
                            "validation only: the ids and Regions already seen, to report a repeated one; the lists"
                                    + " themselves keep their order from cdk.json")),
            "config/PipelineConfigLoader.java",
            List.of(
                    new Allowed(
                            "Set.of(",
                            "validation only: the known keys of the pipeline's settings are looked up, and printed"
                                    + " sorted in the error messages"),
                    new Allowed(
                            "HashSet",
                            "validation only: the stages already seen, to report a repeated one; the stages keep"
                                    + " their order from cdk.json")));

    private record Allowed(String construct, String reason) {}

    @Test
    void noUnorderedCollectionCanReachATemplate() throws IOException {
        List<String> findings = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String relative = SOURCES.relativize(file).toString().replace('\\', '/');
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    String code = withoutComment(lines.get(i));
                    Matcher matcher = UNORDERED.matcher(code);
                    while (matcher.find()) {
                        String found = matcher.group(1);
                        boolean allowed = ALLOWED.getOrDefault(relative, List.of()).stream()
                                .anyMatch(entry -> found.startsWith(entry.construct()));
                        if (!allowed) {
                            findings.add(relative + ":" + (i + 1) + ": " + found + " — use support/Ordered (or a"
                                    + " TreeMap/LinkedHashMap/LinkedHashSet)");
                        }
                    }
                }
            }
        }
        assertThat(findings).isEmpty();
    }

    @Test
    void theScanSeesTheSources() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            assertThat(files.filter(f -> f.toString().endsWith(".java")).count())
                    .isGreaterThan(20);
        }
        // The allow-list names only files that exist and constructs the pattern matches.
        for (var entry : ALLOWED.entrySet()) {
            assertThat(SOURCES.resolve(entry.getKey())).isRegularFile();
            for (Allowed allowed : entry.getValue()) {
                assertThat(UNORDERED.matcher(allowed.construct()).find())
                        .as(allowed.construct())
                        .isTrue();
                assertThat(allowed.reason()).isNotBlank();
            }
        }
    }

    @Test
    void thePatternTellsUnorderedFromOrderedCollections() {
        for (String unordered : List.of(
                "Map.of(\"a\", 1)",
                "java.util.Map.ofEntries(",
                "new HashMap<>()",
                "new HashSet<>(list)",
                "Set.of(\"x\")",
                "Map.copyOf(m)",
                "stream.collect(Collectors.toMap(k, v))",
                "Collectors.toSet()")) {
            assertThat(UNORDERED.matcher(unordered).find()).as(unordered).isTrue();
        }
        for (String ordered : List.of(
                "Ordered.map(\"a\", 1)",
                "new LinkedHashMap<>()",
                "new LinkedHashSet<>()",
                "new TreeMap<>()",
                "EnumSet.of(A)",
                "List.of(1, 2)",
                "// Map.of( in a comment")) {
            assertThat(UNORDERED.matcher(withoutComment(ordered)).find())
                    .as(ordered)
                    .isFalse();
        }
    }

    private static String withoutComment(String line) {
        String stripped = line.strip();
        if (stripped.startsWith("//") || stripped.startsWith("*") || stripped.startsWith("/*")) {
            return "";
        }
        int comment = line.indexOf("// ");
        return comment < 0 ? line : line.substring(0, comment);
    }
}
