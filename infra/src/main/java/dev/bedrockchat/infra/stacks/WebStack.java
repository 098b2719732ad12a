package dev.bedrockchat.infra.stacks;

import dev.bedrockchat.infra.config.EnvironmentConfig;
import dev.bedrockchat.infra.logs.Retention;
import dev.bedrockchat.infra.web.WebDistribution;
import java.nio.file.Path;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.constructs.Construct;

/** The page's bucket and the CloudFront distribution in front of the page and the API: wiring only. */
public final class WebStack extends Stack {
    public WebStack(
            Construct scope, String id, StackProps props, EnvironmentConfig config, Path frontendDir, RestApi api) {
        super(scope, id, props);
        WebDistribution web = new WebDistribution(
                this,
                "Web",
                new WebDistribution.Props(
                        config.name(),
                        config.customDomain(),
                        new Retention(config.logRetentionDays(), config.retainDataOnDelete()),
                        frontendDir,
                        api));
        CfnOutput.Builder.create(this, "CloudFrontUrl")
                .description("Open this address to chat")
                .value(web.url())
                .build();
        CfnOutput.Builder.create(this, "SiteBucketName")
                .description("The bucket of the page")
                .value(web.siteBucket().getBucketName())
                .build();
    }
}
