package dev.bedrockchat.function.chat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The system prompt: the configured instructions, followed by the notes of an optional persona folder (its .txt and
 * .md files, sorted by name). With a person's notes in that folder, a deployment answers as their "digital twin".
 */
public final class SystemPrompt {
    private final String text;
    private final int personaFiles;

    private SystemPrompt(String text, int personaFiles) {
        this.text = text;
        this.personaFiles = personaFiles;
    }

    public static SystemPrompt of(String instructions) {
        return new SystemPrompt(instructions.strip(), 0);
    }

    /**
     * @throws IllegalArgumentException when the persona folder is missing or unreadable
     */
    public static SystemPrompt load(String instructions, Optional<Path> personaDir) {
        if (personaDir.isEmpty()) {
            return of(instructions);
        }
        Path dir = personaDir.get();
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("PERSONA_DIR " + dir + " is not a folder");
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(Files::isRegularFile)
                    .filter(path -> {
                        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
                        return (name.endsWith(".txt") || name.endsWith(".md")) && !name.startsWith(".");
                    })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("PERSONA_DIR " + dir + " cannot be read: " + e.getMessage(), e);
        }
        var text = new StringBuilder(instructions.strip());
        for (Path file : files) {
            try {
                String notes = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!notes.isEmpty()) {
                    text.append("\n\n").append(notes);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Persona file " + file + " cannot be read", e);
            }
        }
        return new SystemPrompt(text.toString().strip(), files.size());
    }

    public String text() {
        return text;
    }

    /** How many persona files were appended (for the start-up log). */
    public int personaFiles() {
        return personaFiles;
    }
}
