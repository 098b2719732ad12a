package dev.bedrockchat.function.chat;

/**
 * The port the chat's operational metrics go to: one measurement per chat request (a turn of the page's chat, or a
 * call of the programmatic API), whatever its outcome. Per-person numbers never go here (they live in the
 * {@link UsageStore}).
 */
@FunctionalInterface
public interface RequestMetrics {
    /** Metrics that go nowhere. */
    RequestMetrics NONE = measurement -> {};

    /** Reports one request; never throws. */
    void record(RequestMeasurement measurement);
}
