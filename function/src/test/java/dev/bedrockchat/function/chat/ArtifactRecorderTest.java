package dev.bedrockchat.function.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.log.JsonLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ArtifactRecorderTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final JsonLog log =
            new JsonLog(new PrintStream(logged, true, StandardCharsets.UTF_8), mapper, Clock.systemUTC());

    /** A store that fails a given number of times, then keeps what it is given. */
    private static final class FlakyStore implements ArtifactStore {
        final AtomicInteger failuresLeft;
        final AtomicInteger calls = new AtomicInteger();
        final Map<String, byte[]> kept = new ConcurrentHashMap<>();

        FlakyStore(int failures) {
            failuresLeft = new AtomicInteger(failures);
        }

        @Override
        public void put(String key, byte[] json) throws IOException {
            calls.incrementAndGet();
            if (failuresLeft.getAndDecrement() > 0) {
                throw new IOException("store unavailable");
            }
            kept.put(key, json);
        }
    }

    private static Artifact artifact() {
        return new Artifact(
                "req-1234567890",
                "2025-12-31T23:59:58.765Z",
                "dev",
                "offline",
                "c",
                Principal.ANONYMOUS,
                "m",
                true,
                "q",
                "a",
                "end_turn",
                new Usage(1, 2),
                5,
                3L,
                null,
                true,
                null,
                null);
    }

    @Test
    void aPassingWriteIsRetriedUntilItSucceeds() {
        var store = new FlakyStore(2);
        var recorder = new ArtifactRecorder(store, mapper, log, List.of(Duration.ofMillis(1), Duration.ofMillis(1)));

        recorder.record(artifact());

        assertThat(store.calls.get()).isEqualTo(3);
        assertThat(store.kept).containsOnlyKeys("artifacts/date=2025-12-31/235958.765Z-req-1234567890.json");
        assertThat(recorder.failures()).isZero();
        assertThat(logged.size()).isZero();
    }

    @Test
    void aWriteThatKeepsFailingEndsInTheLogWhole() throws Exception {
        var store = new FlakyStore(Integer.MAX_VALUE);
        var recorder = new ArtifactRecorder(store, mapper, log, List.of(Duration.ofMillis(1), Duration.ofMillis(1)));

        recorder.record(artifact());

        assertThat(store.calls.get()).isEqualTo(3);
        assertThat(recorder.failures()).isEqualTo(1);
        var line = mapper.readTree(logged.toString(StandardCharsets.UTF_8));
        assertThat(line.path("type").asText()).isEqualTo("artifact_fallback");
        assertThat(line.path("artifactWriteFailures").asInt()).isEqualTo(1);
        assertThat(mapper.treeToValue(line.path("artifact"), Artifact.class)).isEqualTo(artifact());
    }

    /** A store that does not answer for a minute, the given number of times, then keeps what it is given. */
    private static final class HangingStore implements ArtifactStore {
        final AtomicInteger hangsLeft;
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger interrupted = new AtomicInteger();
        final Map<String, byte[]> kept = new ConcurrentHashMap<>();

        HangingStore(int hangs) {
            hangsLeft = new AtomicInteger(hangs);
        }

        @Override
        public void put(String key, byte[] json) throws IOException {
            calls.incrementAndGet();
            if (hangsLeft.getAndDecrement() > 0) {
                try {
                    Thread.sleep(Duration.ofMinutes(1));
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                    throw new InterruptedIOException("abandoned");
                }
            }
            kept.put(key, json);
        }
    }

    @Test
    void aStoreThatHangsIsAbandonedWithinTheBudgetAndTheArtifactGoesToTheLog() throws Exception {
        var store = new HangingStore(Integer.MAX_VALUE);
        List<Duration> backoff = List.of(Duration.ofMillis(10), Duration.ofMillis(10));
        // Short attempts in a roomy budget: every attempt the backoff list allows is made, however busy the machine.
        var recorder = new ArtifactRecorder(store, mapper, log, backoff, Duration.ofMillis(100), Duration.ofSeconds(4));
        long start = System.nanoTime();

        recorder.record(artifact());

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        // Three attempts abandoned after 100 ms each (not the minute the store would take), with the waits between.
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofSeconds(5));
        assertThat(store.calls.get()).isEqualTo(backoff.size() + 1);
        assertThat(recorder.failures()).isEqualTo(1);
        var line = mapper.readTree(logged.toString(StandardCharsets.UTF_8));
        assertThat(line.path("type").asText()).isEqualTo("artifact_fallback");
        assertThat(line.path("reason").asText()).contains("TimeoutException").contains("within 100 ms");
        assertThat(mapper.treeToValue(line.path("artifact"), Artifact.class)).isEqualTo(artifact());
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (store.interrupted.get() < backoff.size() + 1 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(store.interrupted.get())
                .as("every abandoned write is interrupted")
                .isEqualTo(backoff.size() + 1);
    }

    @Test
    void theBudgetBoundsTheAttemptsWhateverTheirNumber() {
        var store = new HangingStore(Integer.MAX_VALUE);
        // Twenty-one attempts of 300 ms would take over six seconds; the 450 ms budget allows one or two.
        var recorder = new ArtifactRecorder(
                store,
                mapper,
                log,
                Collections.nCopies(20, Duration.ofMillis(10)),
                Duration.ofMillis(300),
                Duration.ofMillis(450));
        long start = System.nanoTime();

        recorder.record(artifact());

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        // 300 ms, a pause, then what is left of the 450 ms (unless a busy machine used it up): no more attempts.
        assertThat(store.calls.get()).isBetween(1, 2);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofMillis(2500));
        assertThat(recorder.failures()).isEqualTo(1);
    }

    @Test
    void aWriteThatHangsOnceIsRetriedAndKept() {
        var store = new HangingStore(1);
        var recorder = new ArtifactRecorder(
                store, mapper, log, List.of(Duration.ofMillis(10)), Duration.ofMillis(200), Duration.ofSeconds(3));

        recorder.record(artifact());

        assertThat(store.calls.get()).isEqualTo(2);
        assertThat(store.kept).containsOnlyKeys("artifacts/date=2025-12-31/235958.765Z-req-1234567890.json");
        assertThat(recorder.failures()).isZero();
        assertThat(logged.size()).isZero();
    }

    @Test
    void keysAreDatedInUtc() {
        assertThat(ArtifactRecorder.keyFor(Instant.parse("2025-01-02T03:04:05.006Z"), "abc"))
                .isEqualTo("artifacts/date=2025-01-02/030405.006Z-abc.json");
    }
}
