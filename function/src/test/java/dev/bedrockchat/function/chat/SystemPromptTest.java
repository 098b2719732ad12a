package dev.bedrockchat.function.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemPromptTest {

    @Test
    void withoutAPersonaTheInstructionsAreThePrompt() {
        assertThat(SystemPrompt.load("  Be brief.  ", Optional.empty()).text()).isEqualTo("Be brief.");
    }

    @Test
    void personaNotesAreAppendedSortedByNameTextAndMarkdownOnly(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("20-style.md"), "# Style\nShort sentences.");
        Files.writeString(dir.resolve("10-bio.txt"), "I am Ada, an engineer.\n");
        Files.writeString(dir.resolve("30-empty.txt"), "   ");
        Files.writeString(dir.resolve("notes.json"), "{\"ignored\":true}");
        Files.writeString(dir.resolve(".hidden.md"), "ignored");
        Files.createDirectory(dir.resolve("sub.md"));

        SystemPrompt prompt = SystemPrompt.load("Answer as Ada.", Optional.of(dir));

        assertThat(prompt.text()).isEqualTo("Answer as Ada.\n\nI am Ada, an engineer.\n\n# Style\nShort sentences.");
        assertThat(prompt.personaFiles()).isEqualTo(3);
    }

    @Test
    void aMissingPersonaFolderIsAConfigurationError(@TempDir Path dir) {
        assertThatThrownBy(() -> SystemPrompt.load("x", Optional.of(dir.resolve("absent"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PERSONA_DIR");
    }
}
