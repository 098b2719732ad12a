package dev.bedrockchat.infra.storage;

import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;

/**
 * The baseline of every bucket of the app: encrypted with S3-managed keys, reachable over TLS 1.2+ only, all public
 * access blocked, ACLs disabled; emptied and deleted with the stack unless it is retained.
 */
public final class PrivateBucket {
    private PrivateBucket() {}

    /** A bucket builder with the baseline set: callers add only what differs. */
    public static Bucket.Builder builder(Construct scope, String id, RemovalPolicy removal) {
        return Bucket.Builder.create(scope, id)
                .encryption(BucketEncryption.S3_MANAGED)
                .enforceSsl(true)
                .minimumTlsVersion(1.2)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .removalPolicy(removal)
                .autoDeleteObjects(removal == RemovalPolicy.DESTROY);
    }
}
