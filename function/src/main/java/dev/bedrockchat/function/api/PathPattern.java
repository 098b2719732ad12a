package dev.bedrockchat.function.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The path of a route: literal segments, {@code {name}} for one non-empty segment (a path parameter, kept raw,
 * still percent-encoded), and a trailing {@code /**} for the prefix itself and everything below it. Matching is
 * exact otherwise: no trailing slash, no empty segment.
 */
record PathPattern(String template, List<String> segments, boolean prefix) {

    static PathPattern of(String template) {
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("A path pattern starts with /: " + template);
        }
        boolean prefix = template.endsWith("/**");
        String fixed = prefix ? template.substring(0, template.length() - 3) : template;
        List<String> segments =
                fixed.isEmpty() ? List.of() : List.of(fixed.substring(1).split("/", -1));
        return new PathPattern(template, segments, prefix);
    }

    /** The path parameters when the raw path matches, by name; empty when it does not. */
    Optional<Map<String, String>> match(String rawPath) {
        if (!rawPath.startsWith("/")) {
            return Optional.empty();
        }
        String[] parts = rawPath.substring(1).split("/", -1);
        if (prefix ? parts.length < segments.size() : parts.length != segments.size()) {
            return Optional.empty();
        }
        var parameters = new LinkedHashMap<String, String>();
        for (int i = 0; i < segments.size(); i++) {
            String segment = segments.get(i);
            if (segment.startsWith("{") && segment.endsWith("}")) {
                if (parts[i].isEmpty()) {
                    return Optional.empty();
                }
                parameters.put(segment.substring(1, segment.length() - 1), parts[i]);
            } else if (!segment.equals(parts[i])) {
                return Optional.empty();
            }
        }
        return Optional.of(Map.copyOf(parameters));
    }
}
