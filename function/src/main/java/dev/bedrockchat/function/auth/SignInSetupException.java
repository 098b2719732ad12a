package dev.bedrockchat.function.auth;

/**
 * Sign-in cannot start as configured (a secret that cannot be read, a provider whose discovery document or keys
 * cannot be used). The message names the setting and what is wrong, never a secret's value.
 */
public final class SignInSetupException extends RuntimeException {
    public SignInSetupException(String message) {
        super(message);
    }
}
