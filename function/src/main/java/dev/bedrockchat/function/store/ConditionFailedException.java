package dev.bedrockchat.function.store;

/** A conditional write did not happen: the object was there already, or had changed since it was read. */
public final class ConditionFailedException extends RuntimeException {
    public ConditionFailedException(String key, Throwable cause) {
        super("The object " + key + " changed since it was read", cause);
    }
}
