package dev.bedrockchat.function.aws;

import dev.bedrockchat.function.auth.SecretSource;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * Reads a secret's current string value from AWS Secrets Manager ({@code GetSecretValue}). A failure says what went
 * wrong (the AWS error code, or that the service could not be reached) and never quotes a value.
 */
public final class SecretsManagerSecrets implements SecretSource {
    private final SecretsManagerClient client;

    public SecretsManagerSecrets(SecretsManagerClient client) {
        this.client = client;
    }

    @Override
    public String read(String arn) {
        GetSecretValueResponse response;
        try {
            response = client.getSecretValue(request -> request.secretId(arn));
        } catch (AwsServiceException e) {
            String code =
                    e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            throw new IllegalStateException(
                    "AWS Secrets Manager answered " + (code == null ? "HTTP " + e.statusCode() : code) + advice(code));
        } catch (SdkException e) {
            throw new IllegalStateException("AWS Secrets Manager could not be reached"
                    + ServiceErrors.httpClientError(e)
                            .map(name -> " (" + name + ")")
                            .orElse("")
                    + ": check the VPC endpoint, its security group and AWS_ENDPOINT_URL_SECRETS_MANAGER");
        }
        if (response.secretString() == null) {
            throw new IllegalStateException("the secret holds binary data, not a string");
        }
        return response.secretString();
    }

    private static String advice(String code) {
        if (code == null) {
            return "";
        }
        return switch (code) {
            case "ResourceNotFoundException" -> ": no such secret (or no current version): check the ARN";
            case "AccessDeniedException" ->
                ": the function's role may not read it (secretsmanager:GetSecretValue on this ARN, and kms:Decrypt "
                        + "for a customer-managed key)";
            case "DecryptionFailure" -> ": its KMS key cannot decrypt it for the function's role";
            default -> "";
        };
    }
}
