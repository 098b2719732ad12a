package dev.bedrockchat.infra.web;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.s3.deployment.BucketDeployment;
import software.amazon.awscdk.services.s3.deployment.CacheControl;
import software.amazon.awscdk.services.s3.deployment.Source;
import software.constructs.Construct;

/**
 * {@code GET /api/auth/config} as the object {@value WebDistribution#AUTH_CONFIG_KEY} of the site bucket, which
 * CloudFront serves on that path ({@link WebDistribution#AUTH_CONFIG_PATH}) uncached. Written by a deployment of its
 * own, as JSON with {@code Cache-Control: no-cache}; the page's deployment leaves it alone.
 */
public final class AuthConfigObject extends Construct {
    /**
     * @param siteBucket the page's bucket
     * @param document   the answer, see {@code auth/AuthConfigDocument}; deploy-time values (the client id) allowed
     */
    public record Props(IBucket siteBucket, Map<String, Object> document) {}

    public AuthConfigObject(Construct scope, String id, Props props) {
        super(scope, id);
        BucketDeployment.Builder.create(this, "Deployment")
                .sources(List.of(Source.jsonData(WebDistribution.AUTH_CONFIG_KEY, props.document())))
                .destinationBucket(props.siteBucket())
                .contentType("application/json")
                .cacheControl(List.of(CacheControl.noCache()))
                // Only this object: the page's deployment prunes the rest of the bucket.
                .prune(false)
                .memoryLimit(WebDistribution.DEPLOYMENT_MEMORY_MB)
                .build();
    }
}
