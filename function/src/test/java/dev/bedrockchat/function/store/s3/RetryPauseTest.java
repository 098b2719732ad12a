package dev.bedrockchat.function.store.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The jittered wait between conditional-write attempts. */
class RetryPauseTest {

    @Test
    void theWaitIsRandomWithinBoundsThatGrowWithTheAttempt() {
        for (int attempt = 1; attempt <= 8; attempt++) {
            long bound = Math.min(20L << Math.min(attempt, 5), 500L);
            int current = attempt;
            var waits = new HashSet<Duration>();
            IntStream.range(0, 200).forEach(i -> waits.add(S3ConversationStore.pauseAfter(current)));

            assertThat(waits)
                    .allSatisfy(wait -> assertThat(wait).isBetween(Duration.ofMillis(5), Duration.ofMillis(bound)));
            assertThat(waits).as("attempt " + attempt + " waits vary").hasSizeGreaterThan(5);
        }
    }

    /**
     * A generator created when the class or the store is initialised would be captured by a SnapStart snapshot and
     * replay the same sequence in every environment restored from it; the jitter draws from a SecureRandom made per
     * use instead.
     */
    @Test
    void noRandomGeneratorIsKeptFromInitialisation() {
        Field[] fields = S3ConversationStore.class.getDeclaredFields();

        assertThat(Arrays.stream(fields).map(Field::getType))
                .noneMatch(type -> Random.class.isAssignableFrom(type) || RandomGenerator.class.isAssignableFrom(type));
    }
}
