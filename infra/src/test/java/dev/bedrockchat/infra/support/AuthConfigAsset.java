package dev.bedrockchat.infra.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Stage;
import software.amazon.awscdk.assertions.Template;

/**
 * The object {@code api/auth/config} as the web stack's deployment writes it: the JSON of the synthesized asset with
 * each deploy-time value (a marker in the asset) put back as {@link Cfn#flatten} renders it.
 *
 * @param deployment the properties of the deployment that writes it
 * @param raw        the asset's text, markers and all
 * @param rendered   the object with the deploy-time values rendered
 */
public record AuthConfigAsset(Map<String, Object> deployment, String raw, Map<String, Object> rendered) {
    public static final String KEY = "api/auth/config";

    @SuppressWarnings("unchecked")
    public static AuthConfigAsset of(Stack web, Template template) {
        Map<String, Object> deployment = template.findResources("Custom::CDKBucketDeployment").values().stream()
                .map(Cfn::properties)
                .filter(properties -> Boolean.FALSE.equals(properties.get("Prune")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no deployment of the sign-in settings"));
        String objectKey = (String) Cfn.list(deployment.get("SourceObjectKeys")).getFirst();
        // The cloud assembly keeps the asset as the folder it zips on upload (a pipeline's stages keep theirs in the
        // top assembly).
        Path file = Path.of(Stage.of(web).getAssetOutdir())
                .resolve("asset." + objectKey.replaceFirst("\\.zip$", ""))
                .resolve(KEY);
        String raw;
        try {
            raw = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String json = raw;
        List<Object> markers = Cfn.list(deployment.get("SourceMarkers"));
        if (!markers.isEmpty()) {
            for (Map.Entry<String, Object> marker : Cfn.map(markers.getFirst()).entrySet()) {
                json = json.replace(marker.getKey(), Cfn.flatten(marker.getValue()));
            }
        }
        try {
            return new AuthConfigAsset(deployment, raw, new ObjectMapper().readValue(json, Map.class));
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }
}
