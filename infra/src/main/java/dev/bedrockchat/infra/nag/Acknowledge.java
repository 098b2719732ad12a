package dev.bedrockchat.infra.nag;

import dev.bedrockchat.infra.support.Ordered;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Validations;
import software.constructs.IConstruct;

/**
 * Acknowledges one cdk-nag finding on one construct (and its children), always with the reason it is acceptable.
 * Acknowledgements are made next to the construct that causes the finding, never for a whole stack.
 */
public final class Acknowledge {
    private static final String DELIMITER = "::";

    private Acknowledge() {}

    /**
     * @param scope  the construct the finding is reported on, or one of its parents
     * @param ruleId the rule, or the rule and finding, e.g. {@code AwsSolutions-IAM5[Resource::*]}
     * @param reason why the finding is acceptable here
     */
    public static void rule(IConstruct scope, String ruleId, String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("an acknowledgement needs a reason: " + ruleId);
        }
        if (ruleId.indexOf(DELIMITER) != ruleId.lastIndexOf(DELIMITER)) {
            // Validations.acknowledge reserves '::' for one prefix and rejects finding ids that carry more, such as
            // IAM4 findings that name a managed policy ARN. cdk-nag reads the same metadata entry, written directly.
            scope.getNode().addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, Ordered.map(ruleId, reason));
            return;
        }
        Validations.of(scope)
                .acknowledge(Acknowledgment.builder().id(ruleId).reason(reason).build());
    }

    /** How a finding names the ARN of {@code resource} (an L2 construct), e.g. {@code <Bucket83908E77.Arn>}. */
    public static String arnOf(IConstruct resource) {
        return "<"
                + Stack.of(resource)
                        .getLogicalId((CfnElement) resource.getNode().getDefaultChild()) + ".Arn>";
    }
}
