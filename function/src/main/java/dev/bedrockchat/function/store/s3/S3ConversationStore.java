package dev.bedrockchat.function.store.s3;

import dev.bedrockchat.function.chat.Conversation;
import dev.bedrockchat.function.chat.ConversationStore;
import dev.bedrockchat.function.chat.Principal;
import dev.bedrockchat.function.chat.StoredMessage;
import dev.bedrockchat.function.store.ConversationCodec;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Conversations as S3 objects {@code conversations/<id>.json}. Appends are optimistic: the document is re-read and
 * written with {@code If-Match: <ETag>} (or {@code If-None-Match: *} when creating it); when another turn won the
 * race (412, or 409 for a concurrent create), the append is retried from a fresh read, a bounded number of times.
 */
public final class S3ConversationStore implements ConversationStore {
    private static final String PREFIX = "conversations/";

    private final S3Client s3;
    private final String bucket;
    private final ConversationCodec codec;
    private final Clock clock;
    private final int maxAttempts;

    public S3ConversationStore(S3Client s3, String bucket, ConversationCodec codec, Clock clock) {
        this(s3, bucket, codec, clock, 8);
    }

    public S3ConversationStore(S3Client s3, String bucket, ConversationCodec codec, Clock clock, int maxAttempts) {
        this.s3 = s3;
        this.bucket = bucket;
        this.codec = codec;
        this.clock = clock;
        this.maxAttempts = maxAttempts;
    }

    @Override
    public String kind() {
        return "s3";
    }

    @Override
    public Optional<Conversation> find(String conversationId) {
        return read(conversationId).map(Versioned::conversation);
    }

    @Override
    public Conversation append(String conversationId, Principal owner, List<StoredMessage> messages) {
        for (int attempt = 1; ; attempt++) {
            String now = clock.instant().toString();
            Optional<Versioned> current = read(conversationId);
            Conversation base = current.map(Versioned::conversation)
                    .orElseGet(() -> Conversation.start(conversationId, owner, now));
            Conversation updated = base.withAppended(messages, now);
            var put = PutObjectRequest.builder()
                    .bucket(bucket)
                    .key(key(conversationId))
                    .contentType("application/json");
            current.ifPresentOrElse(version -> put.ifMatch(version.eTag()), () -> put.ifNoneMatch("*"));
            try {
                s3.putObject(put.build(), RequestBody.fromBytes(codec.write(updated)));
                return updated;
            } catch (S3Exception e) {
                boolean lostRace = e.statusCode() == 412 || e.statusCode() == 409;
                if (!lostRace || attempt >= maxAttempts) {
                    throw e;
                }
                pause(attempt);
            }
        }
    }

    @Override
    public void delete(String conversationId) {
        s3.deleteObject(request -> request.bucket(bucket).key(key(conversationId)));
    }

    private Optional<Versioned> read(String conversationId) {
        try {
            ResponseBytes<GetObjectResponse> object =
                    s3.getObjectAsBytes(request -> request.bucket(bucket).key(key(conversationId)));
            return Optional.of(new Versioned(codec.read(object.asByteArray()), object.response().eTag()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    private static String key(String conversationId) {
        return PREFIX + conversationId + ".json";
    }

    /** A short jittered wait before re-reading, growing with the attempt. */
    private static void pause(int attempt) {
        long bound = Math.min(20L * (1L << Math.min(attempt, 5)), 500L);
        try {
            Thread.sleep(Duration.ofMillis(ThreadLocalRandom.current().nextLong(5, bound + 1)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while retrying a conversation update", e);
        }
    }

    private record Versioned(Conversation conversation, String eTag) {
    }
}
