package dev.bedrockchat.function.chat;

import java.time.LocalDate;
import java.time.YearMonth;

/**
 * The port to each person's usage counters: one per UTC day and one per UTC month. Adding is idempotent by request
 * id: an answer added twice (a write that is retried after it had succeeded) counts once.
 *
 * <p>Every failure to reach the storage is a {@link ChatException} with {@code StorageUnavailable}.
 */
public interface UsageStore {

    /** The person's totals of that day; {@link UsageTotals#ZERO} when there are none. */
    UsageTotals day(Principal person, LocalDate day);

    /** The person's totals of that month; {@link UsageTotals#ZERO} when there are none. */
    UsageTotals month(Principal person, YearMonth month);

    /**
     * Adds one answer's use to the person's counters of the day and of its month, unless they already hold the
     * request id.
     *
     * @param deadline when to give up retrying writes that lost a race to another writer
     */
    void add(Principal person, String requestId, LocalDate day, UsageTotals answer, Deadline deadline);
}
