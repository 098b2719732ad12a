package dev.bedrockchat.infra.pipeline;

import dev.bedrockchat.infra.support.Ordered;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.codepipeline.IPipeline;
import software.amazon.awscdk.services.codepipeline.PipelineNotificationEvents;
import software.amazon.awscdk.services.codepipeline.PipelineNotifyOnOptions;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.constructs.Construct;

/**
 * Mails what needs a person: a failed pipeline execution, a failed stage (tests, deployment or smoke test) and a
 * promotion waiting for approval. The notification rule publishes to an SNS topic that is encrypted with a key of its
 * own (the notification service cannot use an AWS-managed key) and refuses requests without TLS.
 */
public final class PipelineNotifications extends Construct {
    /** What is mailed. */
    public static final List<PipelineNotificationEvents> EVENTS = List.of(
            PipelineNotificationEvents.PIPELINE_EXECUTION_FAILED,
            PipelineNotificationEvents.STAGE_EXECUTION_FAILED,
            PipelineNotificationEvents.MANUAL_APPROVAL_NEEDED);

    private static final String NOTIFICATIONS_SERVICE = "codestar-notifications.amazonaws.com";

    /**
     * @param alarmEmail who is mailed
     * @param pipeline   the pipeline watched
     */
    public record Props(String alarmEmail, IPipeline pipeline) {}

    public PipelineNotifications(Construct scope, String id, Props props) {
        super(scope, id);
        Stack stack = Stack.of(this);
        Key key = Key.Builder.create(this, "TopicKey")
                .description("Encrypts the chat pipeline's notification topic")
                .enableKeyRotation(true)
                .removalPolicy(RemovalPolicy.DESTROY)
                .pendingWindow(Duration.days(7))
                .build();
        // The notification service encrypts what it publishes with the topic's key, through SNS only.
        key.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("NotificationsPublish")
                .principals(List.of(new ServicePrincipal(NOTIFICATIONS_SERVICE)))
                .actions(List.of("kms:Decrypt", "kms:GenerateDataKey*"))
                .resources(List.of("*"))
                .conditions(Ordered.map(
                        "StringEquals", Ordered.map("kms:ViaService", "sns." + stack.getRegion() + ".amazonaws.com")))
                .build());
        Topic topic = Topic.Builder.create(this, "Topic")
                .displayName("Chat pipeline")
                .masterKey(key)
                .enforceSsl(true)
                .build();
        topic.addSubscription(new EmailSubscription(props.alarmEmail()));
        props.pipeline()
                .notifyOn(
                        "NotifyFailures",
                        topic,
                        PipelineNotifyOnOptions.builder().events(EVENTS).build());
    }
}
