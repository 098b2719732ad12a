package dev.bedrockchat.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bedrockchat.infra.config.EnvironmentConfig;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.constructs.Construct;

/**
 * {@code config/} reads and validates settings and builds nothing; each construct's Props carry only what the construct
 * uses, never the whole environment; stacks build the Props from the environment.
 */
class LayeringTest {
    private static final Path SOURCES = Path.of("src/main/java");

    @Test
    void theConfigPackageBuildsNoCdkConstruct() throws IOException {
        List<String> imports = new ArrayList<>();
        try (Stream<Path> files = Files.list(SOURCES.resolve("dev/bedrockchat/infra/config"))) {
            for (Path file : files.sorted().toList()) {
                Files.readAllLines(file).stream()
                        .filter(line -> line.startsWith("import software.amazon.awscdk")
                                || line.startsWith("import software.constructs"))
                        .forEach(line -> imports.add(file.getFileName() + ": " + line));
            }
        }
        assertThat(imports).isEmpty();
    }

    @Test
    void noConstructTakesTheWholeEnvironment() throws Exception {
        List<Class<?>> constructs = constructClasses();
        assertThat(constructs).hasSizeGreaterThan(10);

        List<String> wide = new ArrayList<>();
        int withProps = 0;
        for (Class<?> construct : constructs) {
            for (Class<?> nested : construct.getDeclaredClasses()) {
                if (!nested.getSimpleName().equals("Props")) {
                    continue;
                }
                withProps++;
                assertThat(nested.isRecord()).as(nested.getName()).isTrue();
                Arrays.stream(nested.getRecordComponents())
                        .filter(component -> component.getType() == EnvironmentConfig.class)
                        .map(RecordComponent::getName)
                        .forEach(name -> wide.add(construct.getSimpleName() + ".Props." + name));
            }
        }
        assertThat(withProps).isGreaterThanOrEqualTo(10);
        assertThat(wide).isEmpty();
    }

    /** Every construct of the app that is not a stack. */
    private static List<Class<?>> constructClasses() throws IOException, ClassNotFoundException {
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String name =
                        SOURCES.relativize(file).toString().replace('/', '.').replaceAll("\\.java$", "");
                Class<?> type = Class.forName(name);
                if (Construct.class.isAssignableFrom(type)
                        && !software.amazon.awscdk.Stack.class.isAssignableFrom(type)) {
                    classes.add(type);
                }
            }
        }
        return classes;
    }
}
