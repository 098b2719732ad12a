package dev.bedrockchat.infra.logs;

import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * What an environment keeps, as CDK takes it: its log events for how long, and its data and logs on
 * {@code cdk destroy} or not.
 *
 * @param logRetentionDays how long every log group keeps its events (a value CloudWatch Logs accepts, see
 *                         {@link LogRetention})
 * @param retainOnDelete   whether buckets and log groups survive the deletion of their stack
 */
public record Retention(int logRetentionDays, boolean retainOnDelete) {
    public Retention {
        LogRetention.of(logRetentionDays);
    }

    /** RETAIN when the environment keeps its data on deletion (staging, prod), else DESTROY. */
    public RemovalPolicy removalPolicy() {
        return retainOnDelete ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    }

    /** A log group with this retention and removal policy. */
    public LogGroup logGroup(Construct scope, String id) {
        return LogGroup.Builder.create(scope, id)
                .retention(LogRetention.of(logRetentionDays))
                .removalPolicy(removalPolicy())
                .build();
    }
}
