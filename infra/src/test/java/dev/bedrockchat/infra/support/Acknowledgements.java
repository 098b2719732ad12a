package dev.bedrockchat.infra.support;

import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.Validations;
import software.constructs.IConstruct;
import software.constructs.MetadataEntry;

/** The cdk-nag acknowledgements made on constructs, as the synth's validation report reads them. */
public final class Acknowledgements {
    private Acknowledgements() {}

    /**
     * Every acknowledgement on {@code scope} and the constructs below it: {@code "<path> <rule>"} → reason, sorted.
     */
    public static Map<String, String> under(IConstruct scope) {
        Map<String, String> found = new TreeMap<>();
        for (IConstruct construct : scope.getNode().findAll()) {
            for (MetadataEntry entry : construct.getNode().getMetadata()) {
                if (Validations.ACKNOWLEDGED_RULES_METADATA_KEY.equals(entry.getType())
                        && entry.getData() instanceof Map<?, ?> rules) {
                    rules.forEach((rule, reason) ->
                            found.put(construct.getNode().getPath() + " " + rule, String.valueOf(reason)));
                }
            }
        }
        return found;
    }

    /** The acknowledgements of {@link #under} whose rule id contains {@code rule}, e.g. {@code AwsSolutions-CFR2}. */
    public static Map<String, String> of(IConstruct scope, String rule) {
        Map<String, String> found = new TreeMap<>();
        under(scope).forEach((key, reason) -> {
            if (key.substring(key.indexOf(' ') + 1).contains(rule)) {
                found.put(key, reason);
            }
        });
        return found;
    }
}
