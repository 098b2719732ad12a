package dev.bedrockchat.function.store.s3;

import dev.bedrockchat.function.chat.ArtifactRecorder;
import dev.bedrockchat.function.chat.ArtifactStore;
import java.time.Duration;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Artifacts as S3 objects under {@code artifacts/date=YYYY-MM-DD/}. Each write (the SDK's retries included) is bounded
 * by its own call timeout, shorter than the client's, as it delays the response it belongs to.
 */
public final class S3ArtifactStore implements ArtifactStore {
    private final S3Client s3;
    private final String bucket;
    private final Duration callTimeout;

    public S3ArtifactStore(S3Client s3, String bucket) {
        this(s3, bucket, ArtifactRecorder.ATTEMPT_TIMEOUT);
    }

    public S3ArtifactStore(S3Client s3, String bucket, Duration callTimeout) {
        this.s3 = s3;
        this.bucket = bucket;
        this.callTimeout = callTimeout;
    }

    @Override
    public void put(String key, byte[] json) {
        s3.putObject(
                request -> request.bucket(bucket)
                        .key(key)
                        .contentType("application/json")
                        .overrideConfiguration(override -> override.apiCallTimeout(callTimeout)),
                RequestBody.fromBytes(json));
    }
}
