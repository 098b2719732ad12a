package dev.bedrockchat.infra.storage;

import dev.bedrockchat.infra.config.EnvironmentConfig.ArtifactLifecycle;
import dev.bedrockchat.infra.logs.Retention;
import dev.bedrockchat.infra.support.Ordered;
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
 * ({@code <YYYY-MM-DD>.json} per day, {@code <YYYY-MM>.json} per month) and the API key records under {@code keys/}.
 *
 * <p>Usage counters expire: day objects {@value #USAGE_DAY_EXPIRY_DAYS} days and month objects
 * {@value #USAGE_MONTH_EXPIRY_DAYS} days after their last write. A lifecycle rule filters by key prefix and object
 * tags only, and both kinds share the person's prefix, so the function tags each counter it writes with
 * {@value #USAGE_PERIOD_TAG}{@code =}{@value #USAGE_PERIOD_DAY} or {@code =}{@value #USAGE_PERIOD_MONTH} (the
 * {@code x-amz-tagging} header of the PutObject, which needs {@code s3:PutObjectTagging}); one rule per tag value
 * expires them. An untagged counter never expires. API key records never expire: a revoked key stays a record.
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
    /** The object tag that tells a day's usage counter from a month's. */
    public static final String USAGE_PERIOD_TAG = "usage-period";

    public static final String USAGE_PERIOD_DAY = "day";
    public static final String USAGE_PERIOD_MONTH = "month";
    /** Days a day's usage counter is kept after its last write: the quota needs today's, the page this month's. */
    public static final int USAGE_DAY_EXPIRY_DAYS = 40;
    /** Days a month's usage counter is kept after its last write: a year of months and some. */
    public static final int USAGE_MONTH_EXPIRY_DAYS = 400;

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
                        usageExpiry("UsageDays", USAGE_PERIOD_DAY, USAGE_DAY_EXPIRY_DAYS),
                        usageExpiry("UsageMonths", USAGE_PERIOD_MONTH, USAGE_MONTH_EXPIRY_DAYS),
                        LifecycleRule.builder()
                                .id("NoncurrentVersions")
                                .noncurrentVersionExpiration(
                                        Duration.days(lifecycle.noncurrentVersionsExpireAfterDays()))
                                .abortIncompleteMultipartUploadAfter(Duration.days(1))
                                .expiredObjectDeleteMarker(true)
                                .build()))
                .build();
    }

    private static LifecycleRule usageExpiry(String id, String period, int days) {
        return LifecycleRule.builder()
                .id(id)
                .prefix(USAGE_PREFIX)
                .tagFilters(Ordered.map(USAGE_PERIOD_TAG, period))
                .expiration(Duration.days(days))
                .build();
    }

    /**
     * The function's access to the bucket: read and write objects under {@link #KEY_PREFIXES}, tag the usage
     * counters it writes (see the class comment), and list the bucket.
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
        PolicyStatement.Builder tagging = PolicyStatement.Builder.create()
                .sid("ArtifactBucketUsageTags")
                .actions(List.of("s3:PutObjectTagging"))
                .resources(List.of(bucket.arnForObjects(USAGE_PREFIX + "*")));
        PolicyStatement.Builder listing = PolicyStatement.Builder.create()
                .sid("ArtifactBucketListing")
                .actions(List.of("s3:ListBucket"))
                .resources(List.of(bucket.getBucketArn()));
        if (principal != null) {
            objects.principals(List.of(principal));
            tagging.principals(List.of(principal));
            listing.principals(List.of(principal));
        }
        return List.of(objects.build(), tagging.build(), listing.build());
    }

    public Bucket bucket() {
        return bucket;
    }
}
