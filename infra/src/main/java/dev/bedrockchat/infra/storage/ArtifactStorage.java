package dev.bedrockchat.infra.storage;

import dev.bedrockchat.infra.config.EnvironmentConfig.ArtifactLifecycle;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.s3.StorageClass;
import software.amazon.awscdk.services.s3.Transition;
import software.constructs.Construct;

import java.util.List;

/**
 * The artifact bucket: conversations under {@code conversations/}, generated artifacts under {@code artifacts/}.
 *
 * <p>Encryption is S3-managed (SSE-S3): data is encrypted at rest with no per-request KMS cost, no key policy to keep
 * in step with the function role, and no KMS endpoint needed in a VPC without internet access. A customer-managed
 * KMS key can replace it when an audit trail of key use or crypto-shredding is required.
 *
 * <p>The bucket is private (all public access blocked, ACLs disabled), reachable over TLS 1.2+ only, versioned so
 * that an overwrite never loses an accepted conversation, and logs every access to its own log bucket.
 */
public final class ArtifactStorage extends Construct {
    public static final String CONVERSATIONS_PREFIX = "conversations/";
    public static final String ARTIFACTS_PREFIX = "artifacts/";
    /** Every key prefix the function uses: nothing outside them is read, written or listed. */
    public static final List<String> KEY_PREFIXES = List.of(CONVERSATIONS_PREFIX, ARTIFACTS_PREFIX);

    private final Bucket bucket;
    private final AccessLogBucket accessLogs;

    /**
     * @param lifecycle         what happens to artifacts and old versions over time
     * @param retainOnDelete    keep the bucket (and its data) when the stack is deleted
     * @param logExpireAfterDays days the access logs are kept
     */
    public record Props(ArtifactLifecycle lifecycle, boolean retainOnDelete, int logExpireAfterDays) {
    }

    public ArtifactStorage(Construct scope, String id, Props props) {
        super(scope, id);
        accessLogs = new AccessLogBucket(this, "AccessLogs",
                new AccessLogBucket.Props(props.logExpireAfterDays(), props.retainOnDelete(), false));
        ArtifactLifecycle lifecycle = props.lifecycle();
        bucket = Bucket.Builder.create(this, "Bucket")
                .encryption(BucketEncryption.S3_MANAGED)
                .enforceSsl(true)
                .minimumTlsVersion(1.2)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .versioned(true)
                .serverAccessLogsBucket(accessLogs.bucket())
                .serverAccessLogsPrefix("artifact-bucket/")
                .lifecycleRules(List.of(
                        LifecycleRule.builder()
                                .id("Artifacts")
                                .prefix(ARTIFACTS_PREFIX)
                                .transitions(List.of(Transition.builder()
                                        .storageClass(StorageClass.INFREQUENT_ACCESS)
                                        .transitionAfter(Duration.days(lifecycle.infrequentAccessAfterDays()))
                                        .build()))
                                .expiration(Duration.days(lifecycle.expireAfterDays()))
                                .build(),
                        LifecycleRule.builder()
                                .id("NoncurrentVersions")
                                .noncurrentVersionExpiration(
                                        Duration.days(lifecycle.noncurrentVersionsExpireAfterDays()))
                                .abortIncompleteMultipartUploadAfter(Duration.days(1))
                                .expiredObjectDeleteMarker(true)
                                .build()))
                .removalPolicy(props.retainOnDelete() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY)
                .autoDeleteObjects(!props.retainOnDelete())
                .build();
    }

    public Bucket bucket() {
        return bucket;
    }

    public Bucket accessLogBucket() {
        return accessLogs.bucket();
    }
}
