package dev.bedrockchat.function.chat;

import java.time.LocalDate;

/**
 * The port to each person's usage counters: the totals of each UTC day and of each UTC month. Adding is idempotent by
 * request id: an answer added twice (a write that is retried after it had succeeded) counts once.
 *
 * <p>Every failure to reach the storage is a {@link ChatException} with {@code StorageUnavailable}.
 */
public interface UsageStore {

    /**
     * The person's totals of that day and of its month, as one read sees them; {@link UsageTotals#ZERO} for a period
     * without any.
     */
    Counted counted(Principal person, LocalDate day);

    /**
     * Adds one answer's use to the person's totals of the day and of its month, unless they already hold the request
     * id.
     *
     * @param deadline when to give up retrying writes that lost a race to another writer
     */
    void add(Principal person, String requestId, LocalDate day, UsageTotals answer, Deadline deadline);

    /** A person's totals of one day and of the month it is in. */
    record Counted(UsageTotals day, UsageTotals month) {
        public static final Counted NONE = new Counted(UsageTotals.ZERO, UsageTotals.ZERO);
    }
}
