package dev.bedrockchat.function.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.log.JsonLog;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps every exchange: writes its artifact to the store with a short bounded retry, and when the store still fails,
 * writes the whole artifact to the log as one JSON line and counts the failure. The caller never sees the failure.
 */
public final class ArtifactRecorder {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final ArtifactStore store;
    private final ObjectMapper mapper;
    private final JsonLog log;
    private final List<Duration> backoff;
    private final AtomicLong failures = new AtomicLong();

    public ArtifactRecorder(ArtifactStore store, ObjectMapper mapper, JsonLog log) {
        this(store, mapper, log, List.of(Duration.ofMillis(50), Duration.ofMillis(200)));
    }

    /** @param backoff the waits between attempts; its size + 1 is the number of attempts */
    public ArtifactRecorder(ArtifactStore store, ObjectMapper mapper, JsonLog log, List<Duration> backoff) {
        this.store = store;
        this.mapper = mapper;
        this.log = log;
        this.backoff = List.copyOf(backoff);
    }

    /** The key of an artifact: {@code artifacts/date=YYYY-MM-DD/<HHmmss.SSSZ>-<requestId>.json} (UTC). */
    public static String keyFor(Instant time, String requestId) {
        return "artifacts/date=" + DAY.format(time) + "/" + TIME.format(time) + "-" + requestId + ".json";
    }

    /** Writes the artifact; never throws. */
    public void record(Artifact artifact) {
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(artifact);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        String key = keyFor(Instant.parse(artifact.time()), artifact.requestId());
        Exception last = null;
        for (int attempt = 0; attempt <= backoff.size(); attempt++) {
            if (attempt > 0) {
                if (!sleep(backoff.get(attempt - 1))) {
                    break;
                }
            }
            try {
                store.put(key, json);
                return;
            } catch (Exception e) {
                last = e;
            }
        }
        long count = failures.incrementAndGet();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("requestId", artifact.requestId());
        line.put("artifactKey", key);
        line.put("artifactWriteFailures", count);
        line.put("reason", last == null ? "interrupted" : describe(last));
        line.put("artifact", mapper.convertValue(artifact, Map.class));
        log.write("error", "artifact_fallback", line);
    }

    /** How many artifacts could not be stored and went to the log instead, since start-up. */
    public long failures() {
        return failures.get();
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static boolean sleep(Duration duration) {
        try {
            Thread.sleep(duration);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
