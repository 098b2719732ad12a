package dev.bedrockchat.infra.secrets;

import dev.bedrockchat.infra.nag.Acknowledge;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.constructs.Construct;

/**
 * A secret whose value Secrets Manager generates when the stack creates it: the value is in no template, no
 * environment variable and no log; whoever needs it reads it from Secrets Manager. {@value #LENGTH} letters and
 * digits (about 285 bits), safe in an HTTP header and easy to copy, encrypted with the account's AWS managed key for
 * Secrets Manager (so a reader needs no KMS permission of its own).
 *
 * <p>Deleted with its stack: nothing outside the stack depends on the value, and a new stack generates a new one.
 */
public final class GeneratedSecret extends Construct {
    public static final int LENGTH = 48;

    /**
     * @param description    what the secret is for (shown in the console)
     * @param rotationReason why the secret has no automatic rotation, and how it is rotated
     */
    public record Props(String description, String rotationReason) {}

    private final Secret secret;

    public GeneratedSecret(Construct scope, String id, Props props) {
        super(scope, id);
        secret = Secret.Builder.create(this, "Secret")
                .description(props.description())
                .generateSecretString(SecretStringGenerator.builder()
                        .passwordLength(LENGTH)
                        .excludePunctuation(true)
                        .includeSpace(false)
                        .requireEachIncludedType(true)
                        .build())
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        Acknowledge.rule(secret, "AwsSolutions-SMG4", props.rotationReason());
    }

    public ISecret secret() {
        return secret;
    }
}
