package dev.bedrockchat.infra.storage;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;

import java.util.List;

/**
 * A bucket that receives access logs (S3 server access logs, CloudFront standard logs): private, encrypted with
 * S3-managed keys (log delivery cannot write to KMS-encrypted buckets), TLS only, logs expire after the configured
 * retention. It keeps no access log of its own (cdk-nag's S1 exempts log destinations), which would log into
 * itself.
 */
public final class AccessLogBucket extends Construct {
    private final Bucket bucket;

    /**
     * @param expireAfterDays   days after which log files are deleted
     * @param retainOnDelete    keep the bucket and its logs when the stack is deleted
     * @param allowAclDelivery  true when CloudFront standard logging writes here: it delivers with object ACLs
     */
    public record Props(int expireAfterDays, boolean retainOnDelete, boolean allowAclDelivery) {
    }

    public AccessLogBucket(Construct scope, String id, Props props) {
        super(scope, id);
        bucket = Bucket.Builder.create(this, "Bucket")
                .encryption(BucketEncryption.S3_MANAGED)
                .enforceSsl(true)
                .minimumTlsVersion(1.2)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(props.allowAclDelivery()
                        ? ObjectOwnership.OBJECT_WRITER
                        : ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .lifecycleRules(List.of(LifecycleRule.builder()
                        .id("ExpireLogs")
                        .expiration(Duration.days(props.expireAfterDays()))
                        .abortIncompleteMultipartUploadAfter(Duration.days(1))
                        .build()))
                .removalPolicy(props.retainOnDelete() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY)
                .autoDeleteObjects(!props.retainOnDelete())
                .build();
    }

    public Bucket bucket() {
        return bucket;
    }
}
