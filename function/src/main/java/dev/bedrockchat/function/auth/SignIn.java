package dev.bedrockchat.function.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.log.JsonLog;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Sign-in as started: who verifies callers, what the page is told ({@code GET /api/auth/config}), and the origin
 * check. Everything it needs is read once, here: the secrets from AWS Secrets Manager, and in {@code oidc} mode with
 * the function as verifier the provider's discovery document and key set. A provider that cannot be used stops the
 * start with a {@link SignInSetupException} (a configuration error), rather than failing each request later.
 */
public final class SignIn implements AutoCloseable {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);

    private final Authenticator authenticator;
    private final ClientConfig clientConfig;
    private final OriginCheck originCheck;
    private final Map<String, Object> description;
    private final Optional<JsonFetcher> fetcher;

    private SignIn(
            Authenticator authenticator,
            ClientConfig clientConfig,
            OriginCheck originCheck,
            Map<String, Object> description,
            Optional<JsonFetcher> fetcher) {
        this.authenticator = authenticator;
        this.clientConfig = clientConfig;
        this.originCheck = originCheck;
        this.description = description;
        this.fetcher = fetcher;
    }

    /**
     * @param secrets reads the secrets the settings name by ARN
     * @throws SignInSetupException when a secret cannot be read or the provider cannot be used
     */
    public static SignIn start(
            AuthSettings settings, SecretSource secrets, ObjectMapper mapper, Clock clock, JsonLog log) {
        var description = new LinkedHashMap<String, Object>();
        description.put("auth", settings.mode().wireName());
        OriginCheck originCheck = settings.originVerifySecret()
                .or(() -> settings.originVerifySecretArn()
                        .map(arn -> readSecret(secrets, arn, "ORIGIN_VERIFY_SECRET_ARN")))
                .map(OriginCheck::requiring)
                .orElse(OriginCheck.OFF);
        description.put("originVerify", originCheck.enabled());
        return switch (settings.mode()) {
            case NONE ->
                new SignIn(
                        new NoSignIn(),
                        new ClientConfig(AuthMode.NONE, Optional.empty()),
                        originCheck,
                        ordered(description),
                        Optional.empty());
            case TOKEN -> {
                Secret token = settings.token()
                        .orElseGet(() ->
                                readSecret(secrets, settings.tokenSecretArn().orElseThrow(), "AUTH_TOKEN_SECRET_ARN"));
                description.put("tokenFrom", settings.token().isPresent() ? "AUTH_TOKEN" : "AUTH_TOKEN_SECRET_ARN");
                yield new SignIn(
                        new SharedToken(token),
                        new ClientConfig(AuthMode.TOKEN, Optional.empty()),
                        originCheck,
                        ordered(description),
                        Optional.empty());
            }
            case OIDC -> oidc(settings.oidc().orElseThrow(), originCheck, description, mapper, clock, log);
        };
    }

    private static SignIn oidc(
            OidcSettings oidc,
            OriginCheck originCheck,
            Map<String, Object> description,
            ObjectMapper mapper,
            Clock clock,
            JsonLog log) {
        description.put("oidcIssuer", oidc.issuer());
        description.put("oidcVerifier", oidc.verifier().name().toLowerCase(Locale.ROOT));
        if (oidc.verifier() == OidcSettings.Verifier.APIGATEWAY) {
            // No call to the provider: in AWS the function has no network path to it; the stack sets the endpoints.
            var client = clientConfig(oidc, Optional.empty());
            return new SignIn(
                    new AuthorizerClaims(oidc.issuer(), oidc.clientId()),
                    client,
                    originCheck,
                    ordered(description),
                    Optional.empty());
        }
        var fetcher = new JsonFetcher(mapper, CONNECT_TIMEOUT, FETCH_TIMEOUT);
        try {
            ProviderMetadata metadata = ProviderMetadata.discover(oidc, fetcher);
            var keys = new SigningKeys(metadata.jwksUri(), fetcher, clock, log);
            keys.load();
            description.put("oidcKeys", keys.size());
            return new SignIn(
                    new OidcTokenVerifier(oidc.issuer(), oidc.clientId(), keys, clock, mapper),
                    clientConfig(oidc, Optional.of(metadata)),
                    originCheck,
                    ordered(description),
                    Optional.of(fetcher));
        } catch (RuntimeException e) {
            fetcher.close();
            throw e;
        }
    }

    /** The page's settings: the OIDC_* overrides first, then what discovery found. */
    private static ClientConfig clientConfig(OidcSettings oidc, Optional<ProviderMetadata> metadata) {
        URI authorization = oidc.authorizationEndpoint()
                .or(() -> metadata.flatMap(ProviderMetadata::authorizationEndpoint))
                .orElseThrow(() -> new SignInSetupException("OIDC_ISSUER: the provider's discovery document has no "
                        + "authorization_endpoint: set OIDC_AUTHORIZATION_ENDPOINT"));
        URI token = oidc.tokenEndpoint()
                .or(() -> metadata.flatMap(ProviderMetadata::tokenEndpoint))
                .orElseThrow(() -> new SignInSetupException("OIDC_ISSUER: the provider's discovery document has no "
                        + "token_endpoint: set OIDC_TOKEN_ENDPOINT"));
        Optional<ClientConfig.Logout> logout = oidc.logoutEndpoint()
                .or(() -> metadata.flatMap(ProviderMetadata::endSessionEndpoint))
                .map(url -> new ClientConfig.Logout(url, oidc.logoutStyle()));
        return new ClientConfig(
                AuthMode.OIDC,
                Optional.of(new ClientConfig.Oidc(
                        oidc.issuer(), oidc.clientId(), authorization, token, oidc.scopes(), logout)));
    }

    private static Map<String, Object> ordered(Map<String, Object> fields) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    private static Secret readSecret(SecretSource secrets, String arn, String variable) {
        String value;
        try {
            value = secrets.read(arn);
        } catch (RuntimeException e) {
            throw new SignInSetupException(variable + ": the secret " + arn + " could not be read: " + e.getMessage());
        }
        if (value == null || value.strip().isEmpty()) {
            throw new SignInSetupException(variable + ": the secret " + arn + " is empty: give it a value");
        }
        return Secret.of(value.strip());
    }

    public Authenticator authenticator() {
        return authenticator;
    }

    public AuthMode mode() {
        return authenticator.mode();
    }

    public ClientConfig clientConfig() {
        return clientConfig;
    }

    public OriginCheck originCheck() {
        return originCheck;
    }

    /**
     * The origins the page calls from script besides its own, for the Content-Security-Policy's {@code connect-src}:
     * in {@code oidc} mode the token endpoint's (the code exchange and the refresh), else none.
     */
    public List<String> connectOrigins() {
        return clientConfig
                .oidc()
                .map(oidc -> List.of(oidc.tokenEndpointOrigin()))
                .orElse(List.of());
    }

    /** For the start-up log line: the mode and where things come from, never a value. */
    public Map<String, Object> description() {
        return description;
    }

    @Override
    public void close() {
        fetcher.ifPresent(JsonFetcher::close);
    }
}
