package dev.bedrockchat.infra.bedrock;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Bedrock model id as the Converse API takes it: either a foundation model ({@code provider.model}, e.g.
 * {@code amazon.nova-lite-v1:0}) or a cross-Region inference profile ({@code prefix.provider.model}, e.g.
 * {@code us.amazon.nova-lite-v1:0} or {@code global.anthropic.claude-haiku-4-5-20251001-v1:0}).
 *
 * @param id                the id as configured
 * @param profilePrefix     the inference-profile prefix ({@code us}, {@code eu}, {@code apac}, {@code global}, ...),
 *                          empty for a foundation model
 * @param foundationModelId the foundation model the id runs on (the id without its profile prefix)
 */
public record ModelId(String id, Optional<String> profilePrefix, String foundationModelId) {

    /** The prefix of global cross-Region inference profiles, which route to any commercial Region. */
    public static final String GLOBAL_PREFIX = "global";

    // [profile.]provider.model[:version[:variant]]: two or three segments of 1-63 lower-case letters, digits and
    // inner hyphens, then up to two versions of 1-32 letters and digits; no wildcards, no ARNs. The function's
    // ModelCatalog checks requests with the same pattern (a system test holds the two to one corpus).
    private static final Pattern SHAPE = Pattern.compile(
            "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?){1,2}(?::[a-z0-9]{1,32}){0,2}");

    /** Whether {@code text} has the shape of a model id (a foundation model or an inference profile). */
    public static boolean isWellFormed(String text) {
        return text != null && text.length() <= 256 && SHAPE.matcher(text).matches();
    }

    /**
     * Parses a well-formed id. Foundation model ids have one dot ({@code provider.model}); inference profile ids
     * put one more segment, the profile prefix, in front.
     *
     * @throws IllegalArgumentException when the id is not well formed
     */
    public static ModelId parse(String text) {
        if (!isWellFormed(text)) {
            throw new IllegalArgumentException("not a Bedrock model id: " + text);
        }
        String beforeVersion = text.contains(":") ? text.substring(0, text.indexOf(':')) : text;
        long dots = beforeVersion.chars().filter(c -> c == '.').count();
        if (dots < 2) {
            return new ModelId(text, Optional.empty(), text);
        }
        int firstDot = text.indexOf('.');
        return new ModelId(text, Optional.of(text.substring(0, firstDot)), text.substring(firstDot + 1));
    }

    public boolean isInferenceProfile() {
        return profilePrefix.isPresent();
    }

    public boolean isGlobalProfile() {
        return profilePrefix.filter(GLOBAL_PREFIX::equals).isPresent();
    }
}
