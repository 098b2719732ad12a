package dev.bedrockchat.infra.support;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The project's real cdk.json, read once; every accessor returns a fresh deep copy the caller may change. */
public final class CdkJson {
    private static final Map<String, Object> FILE = read();

    private CdkJson() {}

    public static Path path() {
        return Path.of(System.getProperty("chat.cdkJson", "../cdk.json"))
                .toAbsolutePath()
                .normalize();
    }

    /** The whole file. */
    public static Map<String, Object> file() {
        return copy(FILE);
    }

    /** Its {@code context}: feature flags, inference-profile Regions and environments. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> context() {
        return (Map<String, Object>) copy(FILE).get("context");
    }

    /** The settings of one environment. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> environment(String name) {
        Map<String, Object> environments = (Map<String, Object>) context().get("environments");
        return (Map<String, Object>) environments.get(name);
    }

    @SuppressWarnings("unchecked")
    public static List<String> environmentNames() {
        return List.copyOf(((Map<String, Object>) context().get("environments")).keySet());
    }

    private static Map<String, Object> read() {
        try {
            return new ObjectMapper().readValue(Files.readString(path()), new TypeReference<>() {});
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path(), e);
        }
    }

    @SuppressWarnings("unchecked")
    static <T> T copy(T value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, entry) -> copy.put((String) key, copy(entry)));
            return (T) copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(entry -> copy.add(copy(entry)));
            return (T) copy;
        }
        return value;
    }
}
