package dev.bedrockchat.infra.audit;

import dev.bedrockchat.infra.logs.Retention;
import dev.bedrockchat.infra.storage.AccessLogBucket;
import dev.bedrockchat.infra.storage.PrivateBucket;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudtrail.Trail;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.constructs.Construct;

/**
 * An optional CloudTrail trail of the environment's Region (cdk.json's {@code cloudTrail}), for accounts that have no
 * trail of their own: most already have one (an organization trail, say), and a second one only costs.
 *
 * <p>The trail records the Region's management events, with log file validation (digest files that prove a log file
 * was not changed or deleted). Its bucket has the baseline of every bucket of the app ({@link PrivateBucket}), logs
 * every access to a log bucket of its own, is versioned (a deleted or overwritten log file stays recoverable) and
 * expires log files, current and overwritten, after the environment's log retention.
 */
public final class AuditTrail extends Construct {
    private final Trail trail;
    private final Bucket bucket;

    /** @param retention how long log files are kept, and whether the buckets survive their stack */
    public record Props(Retention retention) {}

    public AuditTrail(Construct scope, String id, Props props) {
        super(scope, id);
        Retention retention = props.retention();
        AccessLogBucket accessLogs =
                new AccessLogBucket(this, "AccessLogs", new AccessLogBucket.Props(retention, false));
        bucket = PrivateBucket.builder(this, "Bucket", retention.removalPolicy())
                .versioned(true)
                .serverAccessLogsBucket(accessLogs.bucket())
                .serverAccessLogsPrefix("trail-bucket/")
                .lifecycleRules(List.of(LifecycleRule.builder()
                        .id("ExpireTrailLogs")
                        .expiration(Duration.days(retention.logRetentionDays()))
                        .noncurrentVersionExpiration(Duration.days(retention.logRetentionDays()))
                        .abortIncompleteMultipartUploadAfter(Duration.days(1))
                        .build()))
                .build();
        trail = Trail.Builder.create(this, "Trail")
                .bucket(bucket)
                .isMultiRegionTrail(false)
                .includeGlobalServiceEvents(true)
                .enableFileValidation(true)
                .build();
    }

    public Trail trail() {
        return trail;
    }

    public Bucket bucket() {
        return bucket;
    }
}
