package dev.bedrockchat.function.server;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The {@code Date} header's value (IMF-fixdate, RFC 9110), formatted once per second. */
final class HttpDate {
    private static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter.ofPattern(
                    "EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private record Formatted(long second, String text) {}

    private final Clock clock;
    private volatile Formatted last = new Formatted(Long.MIN_VALUE, "");

    HttpDate(Clock clock) {
        this.clock = clock;
    }

    String now() {
        long second = Math.floorDiv(clock.millis(), 1000);
        Formatted formatted = last;
        if (formatted.second() != second) {
            formatted = new Formatted(second, IMF_FIXDATE.format(Instant.ofEpochSecond(second)));
            last = formatted;
        }
        return formatted.text();
    }
}
