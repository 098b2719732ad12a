package dev.bedrockchat.function.store.s3;

import dev.bedrockchat.function.aws.ServiceErrors;
import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.chat.Conversation;
import dev.bedrockchat.function.chat.ConversationDeletedException;
import dev.bedrockchat.function.chat.ConversationStore;
import dev.bedrockchat.function.chat.Principal;
import dev.bedrockchat.function.chat.StoredMessage;
import dev.bedrockchat.function.store.ConversationCodec;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
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
 *
 * <p>A 412 may also be this very turn's write: when S3 stored it but its reply was lost, the SDK repeats the request,
 * whose condition no longer holds. The fresh read then already holds the turn (its messages carry the turn's id), and
 * the append ends there instead of adding the turn twice.
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
        return guarded(
                () -> read(conversationId).filter(version -> !version.deleted()).map(Versioned::conversation));
    }

    @Override
    public Conversation append(String conversationId, Principal owner, List<StoredMessage> messages) {
        return guarded(() -> appendOnce(conversationId, owner, messages));
    }

    private Conversation appendOnce(String conversationId, Principal owner, List<StoredMessage> messages) {
        for (int attempt = 1; ; attempt++) {
            String now = clock.instant().toString();
            Optional<Versioned> current = read(conversationId);
            if (current.filter(Versioned::deleted).isPresent()) {
                throw new ConversationDeletedException(conversationId);
            }
            Conversation base = current.map(Versioned::conversation)
                    .orElseGet(() -> Conversation.start(conversationId, owner, now));
            if (base.holds(messages)) {
                return base;
            }
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
        // A tombstone, not a DeleteObject: a turn still running on this conversation must not bring it back.
        guarded(() -> s3.putObject(
                request -> request.bucket(bucket).key(key(conversationId)).contentType("application/json"),
                RequestBody.fromBytes(
                        codec.tombstone(conversationId, clock.instant().toString()))));
    }

    /** An S3 failure becomes an internal error that carries its AWS diagnostics for the request's log line. */
    private static <T> T guarded(Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException e) {
            throw ChatException.internal(e, ServiceErrors.diagnostics(e));
        }
    }

    private Optional<Versioned> read(String conversationId) {
        try {
            ResponseBytes<GetObjectResponse> object =
                    s3.getObjectAsBytes(request -> request.bucket(bucket).key(key(conversationId)));
            Conversation conversation = codec.decode(object.asByteArray()).orElse(null);
            return Optional.of(new Versioned(conversation, object.response().eTag()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    private static String key(String conversationId) {
        return PREFIX + conversationId + ".json";
    }

    /**
     * The wait before the attempt after {@code attempt}: random (so that racing writers part), growing with the
     * attempt, at most half a second. The randomness comes from a {@link SecureRandom} made for the call, not from a
     * generator seeded at start-up, which a SnapStart snapshot would hand identically to every restored environment.
     */
    static Duration pauseAfter(int attempt) {
        long bound = Math.min(20L * (1L << Math.min(attempt, 5)), 500L);
        return Duration.ofMillis(new SecureRandom().nextLong(5, bound + 1));
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(pauseAfter(attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while retrying a conversation update", e);
        }
    }

    /** A document as read, with its ETag; a tombstone has no conversation. */
    private record Versioned(Conversation conversation, String eTag) {
        boolean deleted() {
            return conversation == null;
        }
    }
}
