package dev.bedrockchat.infra.storage;

import dev.bedrockchat.infra.logs.Retention;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;

/**
 * A {@link PrivateBucket} that receives access logs (S3 server access logs, CloudFront standard logs); its S3-managed
 * keys are the ones log delivery can write with. Logs expire after the environment's log retention. It keeps no access
 * log of its own (cdk-nag's S1 exempts log destinations), which would log into itself.
 */
public final class AccessLogBucket extends Construct {
    private final Bucket bucket;

    /**
     * @param retention        how long logs are kept (they expire then), and whether the bucket survives its stack
     * @param allowAclDelivery true when CloudFront standard logging writes here: it delivers with object ACLs
     */
    public record Props(Retention retention, boolean allowAclDelivery) {}

    public AccessLogBucket(Construct scope, String id, Props props) {
        super(scope, id);
        Bucket.Builder builder = PrivateBucket.builder(
                        this, "Bucket", props.retention().removalPolicy())
                .lifecycleRules(List.of(LifecycleRule.builder()
                        .id("ExpireLogs")
                        .expiration(Duration.days(props.retention().logRetentionDays()))
                        .abortIncompleteMultipartUploadAfter(Duration.days(1))
                        .build()));
        if (props.allowAclDelivery()) {
            builder.objectOwnership(ObjectOwnership.OBJECT_WRITER);
        }
        bucket = builder.build();
    }

    public Bucket bucket() {
        return bucket;
    }
}
