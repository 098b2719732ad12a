package dev.bedrockchat.infra.storage;

import dev.bedrockchat.infra.config.EnvironmentConfig.ArtifactLifecycle;
import dev.bedrockchat.infra.logs.Retention;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.iam.IPrincipal;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.StorageClass;
import software.amazon.awscdk.services.s3.Transition;
import software.constructs.Construct;

/**
 * The artifact bucket: conversations under {@code conversations/} (each person's under
 * {@code conversations/<principalKey>/}, which the function keeps apart; the role's grant is the whole prefix),
 * generated artifacts under {@code artifacts/}, each person's usage counters under {@code usage/<principalKey>/}
 * ({@code <YYYY-MM>.json} per month, each day's totals inside) and the API key records under {@code keys/}.
 *
 * <p>Usage counters expire {@value #USAGE_EXPIRY_DAYS} days after their last write (the rule selects them by their
 * prefix). API key records never expire: a revoked key stays a record.
 *
 * <p>A {@link PrivateBucket}. Its encryption is S3-managed (SSE-S3): data is encrypted at rest with no per-request KMS
 * cost, no key policy to keep in step with the function role, and no KMS endpoint needed in a VPC without internet
 * access. A customer-managed KMS key can replace it when an audit trail of key use or crypto-shredding is required.
 *
 * <p>The bucket is versioned so that an overwrite never loses an accepted conversation, and logs every access to its
 * own log bucket.
 */
public final class ArtifactStorage extends Construct {
    public static final String CONVERSATIONS_PREFIX = "conversations/";
    public static final String ARTIFACTS_PREFIX = "artifacts/";
    public static final String USAGE_PREFIX = "usage/";
    public static final String KEYS_PREFIX = "keys/";
    /** Every key prefix the function uses: nothing outside them is read, written or listed. */
    public static final List<String> KEY_PREFIXES =
            List.of(CONVERSATIONS_PREFIX, ARTIFACTS_PREFIX, USAGE_PREFIX, KEYS_PREFIX);
    /** Days a month's usage counter is kept after its last write: a year of months and some. */
    public static final int USAGE_EXPIRY_DAYS = 400;

    private final Bucket bucket;

    /**
     * @param lifecycle when artifacts move to Standard-IA and expire, how long overwritten versions are kept
     * @param retention how long access logs are kept, and whether the buckets survive their stack
     */
    public record Props(ArtifactLifecycle lifecycle, Retention retention) {}

    public ArtifactStorage(Construct scope, String id, Props props) {
        super(scope, id);
        AccessLogBucket accessLogs =
                new AccessLogBucket(this, "AccessLogs", new AccessLogBucket.Props(props.retention(), false));
        ArtifactLifecycle lifecycle = props.lifecycle();
        bucket = PrivateBucket.builder(this, "Bucket", props.retention().removalPolicy())
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
                                .id("Usage")
                                .prefix(USAGE_PREFIX)
                                .expiration(Duration.days(USAGE_EXPIRY_DAYS))
                                .build(),
                        LifecycleRule.builder()
                                .id("NoncurrentVersions")
                                .noncurrentVersionExpiration(
                                        Duration.days(lifecycle.noncurrentVersionsExpireAfterDays()))
                                .abortIncompleteMultipartUploadAfter(Duration.days(1))
                                .expiredObjectDeleteMarker(true)
                                .build()))
                .build();
    }

    /**
     * The function's access to the bucket: read and write objects under {@link #KEY_PREFIXES} and list the
     * bucket.
     *
     * <p>Without ListBucket, S3 answers a read of a missing key with 403 instead of 404, and an unknown conversation
     * could not be told from a denied one. No s3:prefix condition: a GetObject request carries no prefix, so a
     * conditional grant would not count for it. The bucket holds only the function's own prefixes.
     *
     * @param principal the principal of the statements, for resource policies (such as a VPC endpoint policy);
     *                  {@code null} for identity policies
     */
    public List<PolicyStatement> statements(IPrincipal principal) {
        PolicyStatement.Builder objects = PolicyStatement.Builder.create()
                .sid("ArtifactBucketObjects")
                .actions(List.of("s3:GetObject", "s3:PutObject"))
                .resources(KEY_PREFIXES.stream()
                        .map(prefix -> bucket.arnForObjects(prefix + "*"))
                        .toList());
        PolicyStatement.Builder listing = PolicyStatement.Builder.create()
                .sid("ArtifactBucketListing")
                .actions(List.of("s3:ListBucket"))
                .resources(List.of(bucket.getBucketArn()));
        if (principal != null) {
            objects.principals(List.of(principal));
            listing.principals(List.of(principal));
        }
        return List.of(objects.build(), listing.build());
    }

    public Bucket bucket() {
        return bucket;
    }
}
