package dev.bedrockchat.function.store.s3;

import dev.bedrockchat.function.aws.ServiceErrors;
import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.store.ConditionFailedException;
import dev.bedrockchat.function.store.ObjectStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An {@link ObjectStore} on an S3 bucket: GetObject, PutObject with {@code If-None-Match: *} or {@code If-Match:
 * <ETag>} (S3's conditional writes), and ListObjectsV2 with the {@code /} delimiter.
 *
 * <p>A condition that does not hold is S3's 412 (or 409, when a concurrent write to the key is still in progress, or
 * 404 for If-Match on a key that is gone). Every other failure, the SDK's own retries spent, is StorageUnavailable with
 * the AWS diagnostics. Each call is bounded by its own timeouts, shorter than the client's, as a chat waits on it.
 */
public final class S3ObjectStore implements ObjectStore {
    /** The longest a call may take, the SDK's retries included. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(6);
    /** The longest one attempt may take. */
    public static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);

    private final S3Client s3;
    private final String bucket;
    private final Duration callTimeout;
    private final Duration attemptTimeout;

    public S3ObjectStore(S3Client s3, String bucket) {
        this(s3, bucket, CALL_TIMEOUT, ATTEMPT_TIMEOUT);
    }

    public S3ObjectStore(S3Client s3, String bucket, Duration callTimeout, Duration attemptTimeout) {
        this.s3 = s3;
        this.bucket = bucket;
        this.callTimeout = callTimeout;
        this.attemptTimeout = attemptTimeout;
    }

    @Override
    public Optional<StoredObject> get(String key) {
        return guarded(() -> {
            try {
                ResponseBytes<GetObjectResponse> object = s3.getObjectAsBytes(request -> request.bucket(bucket)
                        .key(key)
                        .overrideConfiguration(
                                o -> o.apiCallTimeout(callTimeout).apiCallAttemptTimeout(attemptTimeout)));
                return Optional.of(new StoredObject(
                        object.asByteArray(), etag(object.response().eTag())));
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public Reread getUnlessUnchanged(String key, String etag) {
        return guarded(() -> {
            try {
                ResponseBytes<GetObjectResponse> object = s3.getObjectAsBytes(request -> request.bucket(bucket)
                        .key(key)
                        .ifNoneMatch("\"" + etag + "\"")
                        .overrideConfiguration(
                                o -> o.apiCallTimeout(callTimeout).apiCallAttemptTimeout(attemptTimeout)));
                return new Reread.Changed(new StoredObject(
                        object.asByteArray(), etag(object.response().eTag())));
            } catch (NoSuchKeyException e) {
                return new Reread.Absent();
            } catch (S3Exception e) {
                if (e.statusCode() == 304) {
                    return new Reread.Unchanged();
                }
                throw e;
            }
        });
    }

    @Override
    public String put(String key, byte[] content, Condition condition) {
        var put = PutObjectRequest.builder()
                .bucket(bucket)
                .key(key)
                .contentType("application/json")
                .overrideConfiguration(o -> o.apiCallTimeout(callTimeout).apiCallAttemptTimeout(attemptTimeout));
        switch (condition) {
            case Condition.IfAbsent ignored -> put.ifNoneMatch("*");
            case Condition.IfMatch match -> put.ifMatch("\"" + match.etag() + "\"");
        }
        return guarded(() -> {
            try {
                return etag(s3.putObject(put.build(), RequestBody.fromBytes(content))
                        .eTag());
            } catch (S3Exception e) {
                int status = e.statusCode();
                if (status == 412 || status == 409 || (status == 404 && condition instanceof Condition.IfMatch)) {
                    throw new ConditionFailedException(key, e);
                }
                throw e;
            }
        });
    }

    @Override
    public List<Listed> list(String prefix) {
        return guarded(() -> {
            var listed = new ArrayList<Listed>();
            for (ListObjectsV2Response page : s3.listObjectsV2Paginator(request -> request.bucket(bucket)
                    .prefix(prefix)
                    .delimiter("/")
                    .overrideConfiguration(o -> o.apiCallTimeout(callTimeout).apiCallAttemptTimeout(attemptTimeout)))) {
                for (S3Object object : page.contents()) {
                    listed.add(new Listed(object.key(), etag(object.eTag()), object.lastModified()));
                }
            }
            return listed;
        });
    }

    /** An entity tag without the quotes S3 puts around it. */
    static String etag(String quoted) {
        if (quoted == null) {
            return "";
        }
        String tag = quoted.strip();
        return tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")
                ? tag.substring(1, tag.length() - 1)
                : tag;
    }

    /** An S3 failure becomes StorageUnavailable, carrying its AWS diagnostics for the request's log line. */
    private static <T> T guarded(Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException e) {
            throw ChatException.storageUnavailable(e, ServiceErrors.diagnostics(e));
        }
    }
}
