package dev.bedrockchat.function.auth;

/** Reads a secret's value by its ARN (AWS Secrets Manager in AWS), once, at start-up. */
@FunctionalInterface
public interface SecretSource {
    /**
     * @return the secret's value, never empty
     * @throws RuntimeException when it cannot be read; the message says why without quoting any value
     */
    String read(String arn);

    /** For a run that names no secret: any read is a mistake. */
    SecretSource NONE = arn -> {
        throw new IllegalStateException("No secret store is configured");
    };
}
