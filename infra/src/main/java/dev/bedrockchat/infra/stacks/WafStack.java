package dev.bedrockchat.infra.stacks;

import dev.bedrockchat.infra.config.EnvironmentConfig.Waf;
import dev.bedrockchat.infra.waf.EdgeWebAcl;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/**
 * The AWS WAF web ACL of the environment's CloudFront distribution: wiring only. It lives in {@value #REGION}
 * whatever the environment's Region, as web ACLs of scope CLOUDFRONT must; the web stack takes its ARN (a
 * cross-Region reference when the environment is elsewhere).
 */
public final class WafStack extends Stack {
    /** The Region of every web ACL that CloudFront uses. */
    public static final String REGION = "us-east-1";

    private final EdgeWebAcl webAcl;

    public WafStack(Construct scope, String id, StackProps props, String deploymentName, Waf waf) {
        super(scope, id, props);
        webAcl = new EdgeWebAcl(this, "Edge", new EdgeWebAcl.Props(deploymentName, waf.rateLimitPer5Minutes()));
        CfnOutput.Builder.create(this, "WebAclArn")
                .description("The web ACL in front of CloudFront")
                .value(webAcl.arn())
                .build();
    }

    /** The ARN of the web ACL. */
    public String webAclArn() {
        return webAcl.arn();
    }
}
