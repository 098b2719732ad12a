package dev.bedrockchat.infra.config;

/**
 * A setting of the app is missing or wrong. The message is one line that names the setting and says how to fix it;
 * the app prints it as is, without a stack trace.
 */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
