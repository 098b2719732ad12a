package dev.bedrockchat.infra.stacks;

import dev.bedrockchat.infra.auth.AuthConfigDocument;
import dev.bedrockchat.infra.auth.PageSignInClient;
import dev.bedrockchat.infra.auth.SignInPool;
import dev.bedrockchat.infra.config.EnvironmentConfig;
import dev.bedrockchat.infra.logs.Retention;
import dev.bedrockchat.infra.web.AuthConfigObject;
import dev.bedrockchat.infra.web.WebDistribution;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/**
 * The page's bucket and the CloudFront distribution in front of the page and the API, the page's app client of the
 * user pool (oidc mode; it names the distribution's address) and the page's sign-in settings: wiring only.
 */
public final class WebStack extends Stack {
    private final CfnOutput cloudFrontUrl;

    /**
     * @param backend   the environment's backend: its API, origin secret and user pool
     * @param webAclArn the web ACL of the distribution, if the environment has one
     */
    public WebStack(
            Construct scope,
            String id,
            StackProps props,
            EnvironmentConfig config,
            Path frontendDir,
            BackendStack backend,
            Optional<String> webAclArn) {
        super(scope, id, props);
        Optional<SignInPool> signIn = backend.signIn();
        WebDistribution web = new WebDistribution(
                this,
                "Web",
                new WebDistribution.Props(
                        config.deploymentName(),
                        config.customDomain(),
                        new Retention(config.logRetentionDays(), config.retainDataOnDelete()),
                        frontendDir,
                        backend.api().restApi(),
                        backend.originVerifySecret(),
                        // The page exchanges codes and refreshes tokens at the managed login domain.
                        signIn.map(pool -> List.of(pool.loginUrl())).orElse(List.of()),
                        webAclArn));

        Map<String, Object> authConfig = signIn.map(pool -> {
                    PageSignInClient client = new PageSignInClient(
                            this,
                            "SignIn",
                            new PageSignInClient.Props(
                                    config.deploymentName(),
                                    pool.userPool(),
                                    web.pageUrls(),
                                    pool.federatedProvider(),
                                    pool.federatedProviderName()));
                    CfnOutput.Builder.create(this, "UserPoolClientId")
                            .description("The page's app client of the user pool")
                            .value(client.clientId())
                            .build();
                    return AuthConfigDocument.cognito(pool, client.clientId());
                })
                .orElseGet(() -> AuthConfigDocument.withoutSignIn(config.auth().mode()));
        new AuthConfigObject(this, "AuthConfig", new AuthConfigObject.Props(web.siteBucket(), authConfig));

        cloudFrontUrl = CfnOutput.Builder.create(this, "CloudFrontUrl")
                .description("Open this address to chat")
                .value(web.url())
                .build();
        CfnOutput.Builder.create(this, "SiteBucketName")
                .description("The bucket of the page")
                .value(web.siteBucket().getBucketName())
                .build();
    }

    /** The output with the page's address, which the pipeline's smoke test reads. */
    public CfnOutput cloudFrontUrl() {
        return cloudFrontUrl;
    }
}
