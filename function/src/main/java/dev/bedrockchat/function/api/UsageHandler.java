package dev.bedrockchat.function.api;

import dev.bedrockchat.function.chat.Principal;
import dev.bedrockchat.function.chat.UsageMeter;
import java.io.IOException;

/** {@code GET /api/usage}: the caller's use today and this month, and the daily quota with its reset time. */
final class UsageHandler {
    private final UsageMeter meter;
    private final ResponseBodies bodies;

    UsageHandler(UsageMeter meter, ResponseBodies bodies) {
        this.meter = meter;
        this.bodies = bodies;
    }

    void get(Exchange x) throws IOException {
        Principal person = x.meteredPerson();
        x.sendJson(200, bodies.usageReport(person, x.caller().name(), meter.report(person)));
    }
}
