package dev.bedrockchat.infra.function;

import dev.bedrockchat.infra.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Lambda's limit on a function's environment: {@value #LIMIT_BYTES} bytes for all variables together. The size is
 * counted as Lambda's API carries the variables, one JSON object of names and values (quotes, separators and escapes
 * included), which is at least what Lambda counts. Values only known at deploy time (a bucket's name, a secret's ARN)
 * count as {@value #DEPLOY_TIME_VALUE_BYTES} bytes each, more than any name or ARN CloudFormation generates here.
 */
public final class EnvironmentSize {
    public static final int LIMIT_BYTES = 4096;
    /** What one deploy-time value inside a variable is counted as. */
    public static final int DEPLOY_TIME_VALUE_BYTES = 128;

    /** How the CDK writes a deploy-time value into a Java string. */
    private static final Pattern TOKEN = Pattern.compile("\\$\\{Token\\[[^\\]]+]}");

    private EnvironmentSize() {}

    /** The bytes {@code variables} take at most, deploy-time values counted as described above. */
    public static int bytes(Map<String, String> variables) {
        int total = 2; // {}
        boolean first = true;
        for (Map.Entry<String, String> variable : variables.entrySet()) {
            total += (first ? 0 : 1) + quoted(variable.getKey()) + 1 + quoted(variable.getValue());
            first = false;
        }
        return total;
    }

    /**
     * Refuses an environment over Lambda's limit with one line that names the biggest variables and the settings that
     * make them.
     *
     * @throws ConfigException when {@code variables} may take more than {@value #LIMIT_BYTES} bytes
     */
    public static void check(Map<String, String> variables) {
        int bytes = bytes(variables);
        if (bytes <= LIMIT_BYTES) {
            return;
        }
        throw new ConfigException("the function's environment variables would take up to " + bytes + " bytes, more"
                + " than Lambda's " + LIMIT_BYTES + " (SYSTEM_PROMPT " + size(variables, "SYSTEM_PROMPT")
                + ", MODEL_PRICES " + size(variables, "MODEL_PRICES") + ", ALLOWED_MODEL_IDS "
                + size(variables, "ALLOWED_MODEL_IDS") + "): shorten function.systemPrompt or allow fewer models in"
                + " models.allowed in cdk.json");
    }

    private static int size(Map<String, String> variables, String name) {
        String value = variables.get(name);
        return value == null ? 0 : quoted(value);
    }

    /** The bytes of {@code text} as a JSON string, with each deploy-time value counted as its allowance. */
    private static int quoted(String text) {
        String literal = TOKEN.matcher(text).replaceAll("");
        int tokens = (int) TOKEN.matcher(text).results().count();
        int bytes = 2 + tokens * DEPLOY_TIME_VALUE_BYTES;
        for (int c : literal.codePoints().toArray()) {
            if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') {
                bytes += 2;
            } else if (c < 0x20) {
                bytes += 6;
            } else {
                bytes += Character.toString(c).getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return bytes;
    }
}
