package dev.bedrockchat.function.chat;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * New conversation ids (random UUIDs, version 4) from a {@link SecureRandom} of this process that can be replaced:
 * after a SnapStart restore every copy of the snapshot gets its own generator ({@link #renew()}), so that no two
 * restored copies share a generator's state.
 */
public final class RandomIds {
    private volatile SecureRandom random = new SecureRandom();

    /** A new random UUID in its canonical text form. */
    public String newId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40); // version 4
        bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80); // IETF variant
        long high = 0;
        long low = 0;
        for (int i = 0; i < 8; i++) {
            high = (high << 8) | (bytes[i] & 0xff);
            low = (low << 8) | (bytes[i + 8] & 0xff);
        }
        return new UUID(high, low).toString();
    }

    /** Replaces the generator with a newly seeded one. */
    public void renew() {
        random = new SecureRandom();
    }

    /** The generator in use (for the check that {@link #renew()} replaced it). */
    public SecureRandom generator() {
        return random;
    }
}
