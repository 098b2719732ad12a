package dev.bedrockchat.infra.config;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One JSON object of the CDK context, read with its dotted path so that every error names the exact setting, e.g.
 * {@code environments.prod.api.throttleBurst}.
 */
final class Settings {
    private final String path;
    private final Map<String, Object> values;

    private Settings(String path, Map<String, Object> values) {
        this.path = path;
        this.values = values;
    }

    /** Reads {@code value} as a JSON object found at {@code path}. */
    static Settings of(String path, Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new ConfigException(
                    path + " must be a JSON object of settings (got " + describe(value) + "): " + FIX);
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((key, entry) -> copy.put(String.valueOf(key), entry));
        return new Settings(path, copy);
    }

    static final String FIX = "fix it in cdk.json";

    String path() {
        return path;
    }

    /** The path of {@code key}: {@code a.b.key}, or {@code a.b["us.amazon.nova-lite-v1:0"]} for a key with a dot. */
    String pathOf(String key) {
        return key.contains(".") ? path + "[\"" + key + "\"]" : path + "." + key;
    }

    Set<String> keys() {
        return values.keySet();
    }

    boolean has(String key) {
        return values.get(key) != null;
    }

    /** Rejects keys this app does not know, so that a misspelt setting never goes unnoticed. */
    void allowOnly(Set<String> known) {
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                throw new ConfigException(pathOf(key) + " is not a known setting (known: "
                        + String.join(", ", new TreeSet<>(known)) + "): " + FIX);
            }
        }
    }

    Settings object(String key) {
        Object value = values.get(key);
        if (value == null) {
            throw missing(key, "a JSON object of settings");
        }
        return of(pathOf(key), value);
    }

    String string(String key, String requirement) {
        return optionalString(key, requirement).orElseThrow(() -> missing(key, requirement));
    }

    Optional<String> optionalString(String key, String requirement) {
        Object value = values.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String text) || text.isBlank()) {
            throw invalid(key, requirement, value);
        }
        return Optional.of(text.strip());
    }

    /** A string that may be empty (for example a system prompt); absent means empty. */
    String text(String key, String requirement) {
        Object value = values.get(key);
        if (value == null) {
            return "";
        }
        if (!(value instanceof String text)) {
            throw invalid(key, requirement, value);
        }
        return text;
    }

    BigDecimal number(String key, String requirement) {
        Object value = values.get(key);
        if (value == null) {
            throw missing(key, requirement);
        }
        if (!(value instanceof Number number) || !Double.isFinite(number.doubleValue())) {
            throw invalid(key, requirement, value);
        }
        return new BigDecimal(number.toString());
    }

    int integer(String key, String requirement) {
        BigDecimal number = number(key, requirement);
        try {
            return number.stripTrailingZeros().intValueExact();
        } catch (ArithmeticException notAnInt) {
            throw invalid(key, requirement, values.get(key));
        }
    }

    boolean bool(String key, String requirement) {
        Object value = values.get(key);
        if (value == null) {
            throw missing(key, requirement);
        }
        if (!(value instanceof Boolean flag)) {
            throw invalid(key, requirement, value);
        }
        return flag;
    }

    /** A non-empty JSON list of entries of any kind, which the caller reads one by one. */
    List<Object> list(String key, String requirement) {
        Object value = values.get(key);
        if (value == null) {
            throw missing(key, requirement);
        }
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            throw invalid(key, requirement, value);
        }
        return Collections.unmodifiableList(new ArrayList<>(list));
    }

    List<String> strings(String key, String requirement) {
        Object value = values.get(key);
        if (value == null) {
            throw missing(key, requirement);
        }
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            throw invalid(key, requirement, value);
        }
        List<String> result = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof String text) || text.isBlank()) {
                throw new ConfigException(pathOf(key) + "[" + i + "] must be " + requirement + " (got "
                        + describe(list.get(i)) + "): " + FIX);
            }
            result.add(text.strip());
        }
        return List.copyOf(result);
    }

    /** A list of JSON objects (possibly empty), each read with its index in the path: {@code a.key[0].x}. */
    List<Settings> objects(String key, String requirement) {
        Object value = values.get(key);
        if (value == null) {
            throw missing(key, requirement);
        }
        if (!(value instanceof List<?> list)) {
            throw invalid(key, requirement, value);
        }
        List<Settings> result = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            result.add(of(pathOf(key) + "[" + i + "]", list.get(i)));
        }
        return List.copyOf(result);
    }

    ConfigException missing(String key, String requirement) {
        return new ConfigException(pathOf(key) + " is missing: set it to " + requirement + " in cdk.json");
    }

    ConfigException invalid(String key, String requirement, Object actual) {
        return new ConfigException(pathOf(key) + " must be " + requirement + " (got " + describe(actual) + "): " + FIX);
    }

    static String describe(Object value) {
        if (value == null) {
            return "nothing";
        }
        if (value instanceof String text) {
            return "'" + text + "'";
        }
        if (value instanceof Number number) {
            return Double.isFinite(number.doubleValue())
                    ? new BigDecimal(number.toString()).stripTrailingZeros().toPlainString()
                    : number.toString();
        }
        if (value instanceof Map<?, ?>) {
            return "an object";
        }
        if (value instanceof List<?> list) {
            return list.isEmpty() ? "an empty list" : "a list";
        }
        return String.valueOf(value);
    }
}
