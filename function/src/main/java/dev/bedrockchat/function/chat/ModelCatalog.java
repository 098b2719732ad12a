package dev.bedrockchat.function.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The models this deployment may call: the default model and the allow-list, with a readable label for each.
 * Model ids may be foundation model ids ({@code amazon.nova-lite-v1:0}), cross-region inference profile ids
 * ({@code us.}, {@code eu.}, {@code apac.}, {@code global.} …) or Bedrock ARNs.
 */
public final class ModelCatalog {

    /**
     * A plain or profile model id, [profile.]provider.name[-version][:n[:suffix]]: two or three segments of 1-63
     * lower-case letters, digits and inner hyphens, then up to two versions of 1-32 letters and digits. The same
     * pattern as the infrastructure's ModelId (a system test holds the two to one corpus).
     */
    private static final Pattern MODEL_ID = Pattern.compile(
            "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?){1,2}(?::[a-z0-9]{1,32}){0,2}");
    /** An ARN of a foundation model, inference profile or provisioned model. */
    private static final Pattern MODEL_ARN = Pattern.compile(
            "arn:aws(?:-[a-z]+)*:bedrock:[a-z0-9-]*:[0-9]{0,12}:[a-z-]+/[A-Za-z0-9][A-Za-z0-9.:_-]{0,200}");

    private static final Map<String, String> REGION_PREFIXES = Map.of(
            "us",
            "US",
            "eu",
            "EU",
            "apac",
            "APAC",
            "global",
            "Global",
            "us-gov",
            "US GovCloud",
            "jp",
            "Japan",
            "au",
            "Australia",
            "ca",
            "Canada");

    /** Labels of well-known models, keyed by the id without region prefix. */
    private static final Map<String, String> KNOWN_LABELS = Map.ofEntries(
            Map.entry("amazon.nova-micro-v1:0", "Nova Micro"),
            Map.entry("amazon.nova-lite-v1:0", "Nova Lite"),
            Map.entry("amazon.nova-pro-v1:0", "Nova Pro"),
            Map.entry("amazon.nova-premier-v1:0", "Nova Premier"),
            Map.entry("amazon.nova-2-lite-v1:0", "Nova 2 Lite"),
            Map.entry("anthropic.claude-3-haiku-20240307-v1:0", "Claude 3 Haiku"),
            Map.entry("anthropic.claude-3-5-haiku-20241022-v1:0", "Claude 3.5 Haiku"),
            Map.entry("anthropic.claude-3-7-sonnet-20250219-v1:0", "Claude 3.7 Sonnet"),
            Map.entry("anthropic.claude-haiku-4-5-20251001-v1:0", "Claude Haiku 4.5"),
            Map.entry("anthropic.claude-sonnet-4-20250514-v1:0", "Claude Sonnet 4"),
            Map.entry("anthropic.claude-sonnet-4-5-20250929-v1:0", "Claude Sonnet 4.5"),
            Map.entry("anthropic.claude-opus-4-1-20250805-v1:0", "Claude Opus 4.1"),
            Map.entry("meta.llama3-1-8b-instruct-v1:0", "Llama 3.1 8B Instruct"),
            Map.entry("meta.llama3-1-70b-instruct-v1:0", "Llama 3.1 70B Instruct"),
            Map.entry("meta.llama3-2-1b-instruct-v1:0", "Llama 3.2 1B Instruct"),
            Map.entry("meta.llama3-2-3b-instruct-v1:0", "Llama 3.2 3B Instruct"),
            Map.entry("meta.llama3-3-70b-instruct-v1:0", "Llama 3.3 70B Instruct"),
            Map.entry("meta.llama4-scout-17b-instruct-v1:0", "Llama 4 Scout 17B"),
            Map.entry("meta.llama4-maverick-17b-instruct-v1:0", "Llama 4 Maverick 17B"),
            Map.entry("mistral.mistral-large-2407-v1:0", "Mistral Large (24.07)"));

    /** One selectable model. */
    public record Model(String id, String label) {}

    private final String defaultModelId;
    private final List<Model> models;

    /**
     * @throws IllegalArgumentException naming the first id that is not a valid Bedrock model id
     */
    public ModelCatalog(String defaultModelId, List<String> allowedModelIds) {
        var ids = new ArrayList<String>();
        ids.add(defaultModelId);
        allowedModelIds.stream().filter(id -> !ids.contains(id)).forEach(ids::add);
        for (String id : ids) {
            if (!isWellFormed(id)) {
                throw new IllegalArgumentException("'" + id + "' is not a Bedrock model id (expected e.g. "
                        + "amazon.nova-lite-v1:0, us.anthropic.claude-sonnet-4-20250514-v1:0 or an ARN)");
            }
        }
        this.defaultModelId = defaultModelId;
        this.models = ids.stream().map(id -> new Model(id, labelOf(id))).toList();
    }

    public String defaultModelId() {
        return defaultModelId;
    }

    public List<Model> models() {
        return models;
    }

    /**
     * The model to use for a request: the default when none is asked for, else the asked one if it is allowed.
     *
     * @throws ChatException ValidationError for a malformed id, ModelNotAllowed for one outside the allow-list
     */
    public String resolve(Optional<String> requested) {
        if (requested.isEmpty()) {
            return defaultModelId;
        }
        String id = requested.get();
        if (!isWellFormed(id)) {
            throw ChatException.validation(
                    "modelId is not a valid Bedrock model id; use one of the ids listed by " + "GET /api/models");
        }
        if (models.stream().noneMatch(model -> model.id().equals(id))) {
            throw new ChatException(
                    ErrorCode.MODEL_NOT_ALLOWED,
                    "Model '" + id + "' is not enabled for this "
                            + "deployment; use one of the ids listed by GET /api/models (ALLOWED_MODEL_IDS)");
        }
        return id;
    }

    public static boolean isWellFormed(String id) {
        return id != null
                && id.length() <= 256
                && (MODEL_ID.matcher(id).matches() || MODEL_ARN.matcher(id).matches());
    }

    /** A readable label: the known name, or one derived from the id, with the inference-profile region if any. */
    public static String labelOf(String id) {
        if (id.startsWith("arn:")) {
            return "Model " + id.substring(id.lastIndexOf('/') + 1);
        }
        String base = id;
        String region = null;
        int firstDot = id.indexOf('.');
        String first = firstDot > 0 ? id.substring(0, firstDot) : "";
        if (REGION_PREFIXES.containsKey(first) && id.indexOf('.', firstDot + 1) > 0) {
            region = REGION_PREFIXES.get(first);
            base = id.substring(firstDot + 1);
        }
        String name = KNOWN_LABELS.getOrDefault(base, derivedLabel(base));
        return region == null ? name : name + " (" + region + ")";
    }

    private static String derivedLabel(String base) {
        String name = base.contains(".") ? base.substring(base.indexOf('.') + 1) : base;
        int colon = name.indexOf(':');
        if (colon >= 0) {
            name = name.substring(0, colon);
        }
        name = name.replaceAll("-v\\d+$", "").replaceAll("-\\d{8}$", "");
        var words = new ArrayList<String>();
        for (String word : name.split("-")) {
            if (word.isEmpty()) {
                continue;
            }
            if (word.matches("\\d+b")) {
                words.add(word.toUpperCase(Locale.ROOT));
            } else {
                words.add(Character.toUpperCase(word.charAt(0)) + word.substring(1));
            }
        }
        return words.isEmpty() ? base : String.join(" ", words);
    }
}
