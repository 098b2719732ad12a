package dev.bedrockchat.infra.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cognito.AuthFlow;
import software.amazon.awscdk.services.cognito.CfnManagedLoginBranding;
import software.amazon.awscdk.services.cognito.IUserPool;
import software.amazon.awscdk.services.cognito.OAuthFlows;
import software.amazon.awscdk.services.cognito.OAuthScope;
import software.amazon.awscdk.services.cognito.OAuthSettings;
import software.amazon.awscdk.services.cognito.UserPoolClient;
import software.amazon.awscdk.services.cognito.UserPoolClientIdentityProvider;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * The page's app client of the {@link SignInPool}: a public client (no secret, the page cannot keep one) that may
 * only use the authorization code flow with PKCE and the scopes {@link SignInPool#SCOPES}, and only return to the
 * page's own addresses. Tokens can be revoked, an unknown e-mail address looks like a wrong password, and the managed
 * login pages get Cognito's default style (the newer managed login shows nothing for a client without one).
 *
 * <p>It lives in the web stack because its callback addresses name the CloudFront distribution, which the backend
 * stack cannot refer to (the web stack depends on the backend).
 */
public final class PageSignInClient extends Construct {
    /**
     * @param environmentName     the deployment's name ({@code dev}, or {@code dev-alice} for a private copy),
     *                            which names the client ({@code chat-dev-alice-page})
     * @param userPool            the pool
     * @param pageUrls            the page's addresses ({@code https://<domain>}), where sign-in and sign-out return
     * @param federatedProvider   the pool's federated identity provider, if any
     * @param federatedProviderName its name
     */
    public record Props(
            String environmentName,
            IUserPool userPool,
            List<String> pageUrls,
            Optional<IConstruct> federatedProvider,
            Optional<String> federatedProviderName) {
        public Props {
            pageUrls = List.copyOf(pageUrls);
        }
    }

    private final UserPoolClient client;

    public PageSignInClient(Construct scope, String id, Props props) {
        super(scope, id);
        List<String> returnUrls =
                props.pageUrls().stream().map(url -> url + "/").toList();
        List<UserPoolClientIdentityProvider> providers = new ArrayList<>();
        providers.add(UserPoolClientIdentityProvider.COGNITO);
        props.federatedProviderName()
                .map(UserPoolClientIdentityProvider::custom)
                .ifPresent(providers::add);

        client = UserPoolClient.Builder.create(this, "Client")
                .userPool(props.userPool())
                .userPoolClientName("chat-" + props.environmentName() + "-page")
                .generateSecret(false)
                // No password flows: people sign in on the managed login pages. Refresh tokens stay allowed.
                .authFlows(AuthFlow.builder()
                        .userSrp(false)
                        .userPassword(false)
                        .adminUserPassword(false)
                        .custom(false)
                        .build())
                .oAuth(OAuthSettings.builder()
                        .flows(OAuthFlows.builder()
                                .authorizationCodeGrant(true)
                                .implicitCodeGrant(false)
                                .clientCredentials(false)
                                .build())
                        .scopes(List.of(OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE))
                        .callbackUrls(returnUrls)
                        .logoutUrls(returnUrls)
                        .build())
                .supportedIdentityProviders(providers)
                .preventUserExistenceErrors(true)
                .enableTokenRevocation(true)
                .idTokenValidity(Duration.hours(1))
                .accessTokenValidity(Duration.hours(1))
                .refreshTokenValidity(Duration.days(7))
                .build();
        // The client names the provider by its name only: create it after the provider exists.
        props.federatedProvider().ifPresent(provider -> client.getNode().addDependency(provider));

        CfnManagedLoginBranding.Builder.create(this, "LoginStyle")
                .userPoolId(props.userPool().getUserPoolId())
                .clientId(client.getUserPoolClientId())
                .useCognitoProvidedValues(true)
                .build();
    }

    public String clientId() {
        return client.getUserPoolClientId();
    }

    public UserPoolClient client() {
        return client;
    }
}
