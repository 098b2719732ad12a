package dev.bedrockchat.function.auth;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * The sign-in settings as configured (checked by the function's configuration; secrets that live in AWS Secrets
 * Manager are only named here, and read once at start-up by {@link SignIn#start}).
 *
 * @param mode                   {@code AUTH_MODE}, or its default: {@code token} when a token is configured, else
 *                               {@code none}
 * @param token                  {@code AUTH_TOKEN} (local)
 * @param tokenSecretArn         {@code AUTH_TOKEN_SECRET_ARN} (AWS): the secret that holds the shared token
 * @param oidc                   the OpenID Connect settings, in {@code oidc} mode
 * @param originVerifySecret     {@code ORIGIN_VERIFY_SECRET} (local; the check is off when neither is set)
 * @param originVerifySecretArn  {@code ORIGIN_VERIFY_SECRET_ARN} (AWS): the secret CloudFront sends in
 *                               {@code X-Origin-Verify}
 * @param secretsManagerEndpoint {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}, the endpoint override the SDK also honours
 * @param apiIamAuth             {@code API_IAM_AUTH}: API Gateway authorizes {@code /v1} with IAM (AWS Signature
 *                               Version 4), so a {@code /v1} request it verified is its IAM caller's
 */
public record AuthSettings(
        AuthMode mode,
        Optional<Secret> token,
        Optional<String> tokenSecretArn,
        Optional<OidcSettings> oidc,
        Optional<Secret> originVerifySecret,
        Optional<String> originVerifySecretArn,
        Optional<URI> secretsManagerEndpoint,
        boolean apiIamAuth) {

    public AuthSettings {
        Objects.requireNonNull(mode, "mode");
        if (mode == AuthMode.TOKEN && token.isEmpty() == tokenSecretArn.isEmpty()) {
            throw new IllegalArgumentException("token mode needs exactly one of a token and a token secret ARN");
        }
        if ((mode == AuthMode.OIDC) != oidc.isPresent()) {
            throw new IllegalArgumentException("OIDC settings belong to oidc mode, and oidc mode needs them");
        }
        if (originVerifySecret.isPresent() && originVerifySecretArn.isPresent()) {
            throw new IllegalArgumentException("the origin secret is either given or named by its ARN, not both");
        }
    }

    /** Whether start-up reads a secret from AWS Secrets Manager. */
    public boolean readsSecretsManager() {
        return tokenSecretArn.isPresent() || originVerifySecretArn.isPresent();
    }
}
