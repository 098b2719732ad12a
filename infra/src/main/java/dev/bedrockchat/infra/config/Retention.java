package dev.bedrockchat.infra.config;

import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/** What the environment keeps, as CDK takes it: its data on {@code cdk destroy}, its log events for how long. */
public final class Retention {
    private Retention() {}

    /** RETAIN when the environment keeps its data on deletion (staging, prod), else DESTROY. */
    public static RemovalPolicy removalPolicy(EnvironmentConfig config) {
        return config.retainDataOnDelete() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    }

    /** A log group with the environment's log retention and removal policy. */
    public static LogGroup logGroup(Construct scope, String id, EnvironmentConfig config) {
        return LogGroup.Builder.create(scope, id)
                .retention(LogRetention.of(config.logRetentionDays()))
                .removalPolicy(removalPolicy(config))
                .build();
    }
}
