package dev.bedrockchat.function.store.s3;

import dev.bedrockchat.function.chat.ArtifactStore;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Artifacts as S3 objects under {@code artifacts/date=YYYY-MM-DD/}. */
public final class S3ArtifactStore implements ArtifactStore {
    private final S3Client s3;
    private final String bucket;

    public S3ArtifactStore(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    public void put(String key, byte[] json) {
        s3.putObject(request -> request.bucket(bucket).key(key).contentType("application/json"),
                RequestBody.fromBytes(json));
    }
}
