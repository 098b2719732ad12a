package dev.bedrockchat.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PlaceholderTest {
    @Test
    void functionJarIsBuilt() {
        Path root = Path.of(System.getProperty("repo.root", ".."));
        assertThat(Files.isRegularFile(root.resolve("function/target/function.jar"))).isTrue();
    }
}
