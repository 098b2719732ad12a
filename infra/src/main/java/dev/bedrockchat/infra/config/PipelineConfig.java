package dev.bedrockchat.infra.config;

import java.util.List;
import java.util.Objects;

/**
 * The delivery pipeline, read from {@code context.pipelineSettings} of cdk.json by {@link PipelineConfigLoader} and
 * validated there. Immutable.
 *
 * @param account          the tooling account the pipeline runs in (not one of the environments' accounts, usually)
 * @param region           the pipeline's Region
 * @param connectionArn    the CodeConnections connection to the repository host, made once in the tooling account
 * @param repository       the repository, {@code owner/name}
 * @param branch           the branch whose every commit the pipeline builds and promotes
 * @param stages           the environments the pipeline deploys, in the order of promotion (dev, staging, prod);
 *                         each has an account
 * @param alarmEmail       where failed executions and approvals waiting are mailed
 * @param logRetentionDays how long the build logs and the access logs of the pipeline's buckets are kept
 */
public record PipelineConfig(
        String account,
        String region,
        String connectionArn,
        String repository,
        String branch,
        List<EnvironmentConfig> stages,
        String alarmEmail,
        int logRetentionDays) {

    public PipelineConfig {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(connectionArn, "connectionArn");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(branch, "branch");
        stages = List.copyOf(stages);
        Objects.requireNonNull(alarmEmail, "alarmEmail");
    }
}
