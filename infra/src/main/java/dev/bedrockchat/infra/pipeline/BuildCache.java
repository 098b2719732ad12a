package dev.bedrockchat.infra.pipeline;

import dev.bedrockchat.infra.nag.Acknowledge;
import dev.bedrockchat.infra.storage.PrivateBucket;
import dev.bedrockchat.infra.support.Ordered;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.codebuild.BucketCacheOptions;
import software.amazon.awscdk.services.codebuild.Cache;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * The build's dependency caches kept between builds in a private bucket: Maven's {@code ~/.m2} and npm's
 * {@code ~/.npm}. A cache only saves downloads, so it is deleted with the stack and expires when no build refreshed it
 * for {@value #EXPIRE_AFTER_DAYS} days.
 */
public final class BuildCache extends Construct {
    /** The folders CodeBuild keeps (CodeBuild runs the build as root). */
    public static final List<String> PATHS = List.of("/root/.m2/**/*", "/root/.npm/**/*");

    public static final int EXPIRE_AFTER_DAYS = 30;

    private final Bucket bucket;

    /** @param accessLogs where the bucket's server access logs go */
    public record Props(IBucket accessLogs) {}

    public BuildCache(Construct scope, String id, Props props) {
        super(scope, id);
        bucket = PrivateBucket.builder(this, "Bucket", RemovalPolicy.DESTROY)
                .serverAccessLogsBucket(props.accessLogs())
                .serverAccessLogsPrefix("build-cache/")
                .lifecycleRules(List.of(LifecycleRule.builder()
                        .id("ExpireStaleCaches")
                        .expiration(Duration.days(EXPIRE_AFTER_DAYS))
                        .abortIncompleteMultipartUploadAfter(Duration.days(1))
                        .build()))
                .build();
    }

    /** The cache of a CodeBuild project, under its own prefix. */
    public Cache forProject(String prefix) {
        return Cache.bucket(bucket, BucketCacheOptions.builder().prefix(prefix).build());
    }

    /** The {@code cache} section of the build spec. */
    public static Map<String, Object> buildSpecSection() {
        return Ordered.map("paths", PATHS);
    }

    /** Acknowledges the object wildcard of the cache's grant to {@code project}, which uses it. */
    public void acknowledgeUseBy(IConstruct project) {
        Acknowledge.rule(
                project,
                "AwsSolutions-IAM5[Resource::" + Acknowledge.arnOf(bucket) + "/*]",
                "CodeBuild's S3 cache reads and writes its archives as objects of the pipeline's own cache bucket,"
                        + " which holds nothing else");
    }
}
