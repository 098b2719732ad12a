package dev.bedrockchat.infra.web;

import dev.bedrockchat.infra.config.EnvironmentConfig.CustomDomain;
import dev.bedrockchat.infra.config.ServiceLimits;
import dev.bedrockchat.infra.logs.Retention;
import dev.bedrockchat.infra.nag.Acknowledge;
import dev.bedrockchat.infra.storage.AccessLogBucket;
import dev.bedrockchat.infra.storage.PrivateBucket;
import dev.bedrockchat.infra.support.Ordered;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.SecretValue;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.certificatemanager.Certificate;
import software.amazon.awscdk.services.cloudfront.AllowedMethods;
import software.amazon.awscdk.services.cloudfront.BehaviorOptions;
import software.amazon.awscdk.services.cloudfront.CachePolicy;
import software.amazon.awscdk.services.cloudfront.Distribution;
import software.amazon.awscdk.services.cloudfront.HeadersFrameOption;
import software.amazon.awscdk.services.cloudfront.HeadersReferrerPolicy;
import software.amazon.awscdk.services.cloudfront.HttpVersion;
import software.amazon.awscdk.services.cloudfront.IOrigin;
import software.amazon.awscdk.services.cloudfront.OriginRequestPolicy;
import software.amazon.awscdk.services.cloudfront.PriceClass;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersContentSecurityPolicy;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersContentTypeOptions;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersFrameOptions;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersPolicy;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersReferrerPolicy;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersStrictTransportSecurity;
import software.amazon.awscdk.services.cloudfront.ResponseSecurityHeadersBehavior;
import software.amazon.awscdk.services.cloudfront.SecurityPolicyProtocol;
import software.amazon.awscdk.services.cloudfront.ViewerProtocolPolicy;
import software.amazon.awscdk.services.cloudfront.origins.RestApiOrigin;
import software.amazon.awscdk.services.cloudfront.origins.S3BucketOrigin;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.deployment.BucketDeployment;
import software.amazon.awscdk.services.s3.deployment.Source;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.constructs.Construct;

/**
 * The chat page and its API behind one CloudFront distribution, so the browser talks to a single origin.
 *
 * <ul>
 *   <li>default behaviour: the page from a private bucket through Origin Access Control, cached;</li>
 *   <li>{@value #AUTH_CONFIG_PATH}: the page's sign-in settings, an object of the same bucket
 *       ({@link AuthConfigObject}), never cached;</li>
 *   <li>{@code /api/*}: the REST API stage, never cached, every viewer header but Host forwarded, all methods, and the
 *       origin header {@value #ORIGIN_VERIFY_HEADER} with the origin secret, which the function requires of every
 *       request but the health check: CloudFront is the only way in;</li>
 *   <li>{@code /v1/*}: the OpenAI-compatible API for programs, the same way to the same origin. With caching disabled,
 *       an origin request policy of all viewer headers forwards {@code Authorization} too (an origin request policy
 *       that names it is refused), so the programs' bearer keys reach the function.</li>
 * </ul>
 * Every response carries the strict {@link SecurityHeaders}. Viewers use HTTPS (HTTP/2 and HTTP/3); the distribution
 * writes standard logs to a log bucket, and is guarded by an AWS WAF web ACL when one is given.
 *
 * <p>Streaming through CloudFront: the origin read timeout is the longest CloudFront waits for the first byte and
 * between two chunks of an answer. 60 seconds is the most CloudFront allows without a quota increase (up to 180 with
 * one), and a streamed answer sends a chunk far more often; the whole answer may run as long as the function's
 * timeout. The function gives up on a silent model well before CloudFront does (see {@link ServiceLimits}), so the
 * browser gets the API's ModelTimeout event rather than CloudFront's error page.
 */
public final class WebDistribution extends Construct {
    /** How long CloudFront waits for the API's first byte and between two chunks of a streamed answer. */
    public static final Duration API_READ_TIMEOUT =
            Duration.seconds(ServiceLimits.CLOUDFRONT_ORIGIN_READ_TIMEOUT_SECONDS);

    public static final String API_PATH_PATTERN = "/api/*";
    /** The OpenAI-compatible API, to the same origin as {@link #API_PATH_PATTERN}. */
    public static final String V1_PATH_PATTERN = "/v1/*";
    /** Served from the site bucket: more specific than {@link #API_PATH_PATTERN}, so CloudFront matches it first. */
    public static final String AUTH_CONFIG_PATH = "/api/auth/config";
    /** The key of {@link #AUTH_CONFIG_PATH} in the site bucket. */
    public static final String AUTH_CONFIG_KEY = AUTH_CONFIG_PATH.substring(1);
    /** The header CloudFront adds to every request to the API, with the origin secret. */
    public static final String ORIGIN_VERIFY_HEADER = "X-Origin-Verify";
    /** The memory of the bucket deployments' handler (one function for all of them). */
    public static final int DEPLOYMENT_MEMORY_MB = 256;

    private final Bucket siteBucket;
    private final String url;
    private final List<String> pageUrls;

    /**
     * @param environmentName    the environment (in descriptions)
     * @param customDomain       the page's own domain, or empty for the distribution's own domain
     * @param logRetention       how long access logs and deployment logs are kept, and whether they survive the stack
     * @param frontendDir        the built page ({@code frontend/dist})
     * @param api                the chat API
     * @param originVerifySecret the secret CloudFront sends the API in {@value #ORIGIN_VERIFY_HEADER}, by dynamic
     *                           reference: the template never holds its value
     * @param connectOrigins     origins the page may call besides its own, see
     *                           {@link SecurityHeaders#contentSecurityPolicy}
     * @param webAclArn          the AWS WAF web ACL (scope CLOUDFRONT) in front of the distribution, if any
     */
    public record Props(
            String environmentName,
            Optional<CustomDomain> customDomain,
            Retention logRetention,
            Path frontendDir,
            RestApi api,
            ISecret originVerifySecret,
            List<String> connectOrigins,
            Optional<String> webAclArn) {
        public Props {
            connectOrigins = List.copyOf(connectOrigins);
        }
    }

    public WebDistribution(Construct scope, String id, Props props) {
        super(scope, id);
        String name = props.environmentName();

        Bucket logBucket =
                new AccessLogBucket(this, "AccessLogs", new AccessLogBucket.Props(props.logRetention(), true)).bucket();

        // Holds only the build output of the page, which every deployment uploads again: never retained.
        siteBucket = PrivateBucket.builder(this, "SiteBucket", RemovalPolicy.DESTROY)
                .serverAccessLogsBucket(logBucket)
                .serverAccessLogsPrefix("site-bucket/")
                .build();

        ResponseHeadersPolicy securityHeaders = ResponseHeadersPolicy.Builder.create(this, "SecurityHeaders")
                .comment("Strict security headers of the chat (" + name + ")")
                .securityHeadersBehavior(
                        securityHeadersBehavior(SecurityHeaders.contentSecurityPolicy(props.connectOrigins())))
                .build();

        BehaviorOptions api = BehaviorOptions.builder()
                .origin(RestApiOrigin.Builder.create(props.api())
                        .readTimeout(API_READ_TIMEOUT)
                        // CloudFormation resolves the reference at deploy time; CloudFront replaces a viewer's own
                        // header of that name.
                        .customHeaders(Ordered.map(
                                ORIGIN_VERIFY_HEADER,
                                SecretValue.secretsManager(
                                                props.originVerifySecret().getSecretArn())
                                        .unsafeUnwrap()))
                        .build())
                .viewerProtocolPolicy(ViewerProtocolPolicy.HTTPS_ONLY)
                .allowedMethods(AllowedMethods.ALLOW_ALL)
                .cachePolicy(CachePolicy.CACHING_DISABLED)
                .originRequestPolicy(OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER)
                .responseHeadersPolicy(securityHeaders)
                // Compressing would hold back the chunks of a streamed answer.
                .compress(false)
                .build();

        IOrigin site = S3BucketOrigin.withOriginAccessControl(siteBucket);
        BehaviorOptions authConfig = BehaviorOptions.builder()
                .origin(site)
                .viewerProtocolPolicy(ViewerProtocolPolicy.HTTPS_ONLY)
                .allowedMethods(AllowedMethods.ALLOW_GET_HEAD)
                // A new deployment takes effect at once, without an invalidation.
                .cachePolicy(CachePolicy.CACHING_DISABLED)
                .responseHeadersPolicy(securityHeaders)
                .compress(true)
                .build();

        Distribution.Builder distributionBuilder = Distribution.Builder.create(this, "Distribution")
                .comment("Bedrock chat (" + name + ")")
                .defaultRootObject("index.html")
                .defaultBehavior(BehaviorOptions.builder()
                        .origin(site)
                        .viewerProtocolPolicy(ViewerProtocolPolicy.REDIRECT_TO_HTTPS)
                        .allowedMethods(AllowedMethods.ALLOW_GET_HEAD)
                        .cachePolicy(CachePolicy.CACHING_OPTIMIZED)
                        .responseHeadersPolicy(securityHeaders)
                        .compress(true)
                        .build())
                // In this order: CloudFront takes the first pattern that matches.
                .additionalBehaviors(
                        Ordered.map(AUTH_CONFIG_PATH, authConfig, API_PATH_PATTERN, api, V1_PATH_PATTERN, api))
                .httpVersion(HttpVersion.HTTP2_AND_3)
                .minimumProtocolVersion(SecurityPolicyProtocol.TLS_V1_2_2021)
                .priceClass(PriceClass.PRICE_CLASS_100)
                .enableLogging(true)
                .logBucket(logBucket)
                .logFilePrefix("cloudfront/");
        props.customDomain()
                .ifPresent(domain -> distributionBuilder
                        .domainNames(List.of(domain.name()))
                        .certificate(Certificate.fromCertificateArn(this, "Certificate", domain.certificateArn())));
        props.webAclArn().ifPresent(distributionBuilder::webAclId);
        Distribution distribution = distributionBuilder.build();
        url = "https://"
                + props.customDomain().map(CustomDomain::name).orElse(distribution.getDistributionDomainName());
        List<String> urls = new ArrayList<>();
        props.customDomain().ifPresent(domain -> urls.add("https://" + domain.name()));
        urls.add("https://" + distribution.getDistributionDomainName());
        pageUrls = List.copyOf(urls);

        BucketDeployment deployment = BucketDeployment.Builder.create(this, "Deployment")
                .sources(List.of(Source.asset(props.frontendDir().toString())))
                .destinationBucket(siteBucket)
                .distribution(distribution)
                .distributionPaths(List.of("/*"))
                .prune(true)
                // The sign-in settings have a deployment of their own (AuthConfigObject): never pruned here.
                .exclude(List.of(AUTH_CONFIG_KEY))
                .memoryLimit(DEPLOYMENT_MEMORY_MB)
                .logGroup(props.logRetention().logGroup(this, "DeploymentLogs"))
                .build();

        acknowledgeFindings(props.customDomain().isPresent(), props.webAclArn().isPresent(), distribution, deployment);
    }

    /**
     * {@link SecurityHeaders} as CloudFront sets them, each overriding what the origin sends. CloudFront's
     * X-Content-Type-Options is always {@code nosniff}, the value of the constant.
     */
    private static ResponseSecurityHeadersBehavior securityHeadersBehavior(String contentSecurityPolicy) {
        List<String> hsts = List.of(SecurityHeaders.STRICT_TRANSPORT_SECURITY.split("; "));
        return ResponseSecurityHeadersBehavior.builder()
                .contentSecurityPolicy(ResponseHeadersContentSecurityPolicy.builder()
                        .contentSecurityPolicy(contentSecurityPolicy)
                        .override(true)
                        .build())
                .strictTransportSecurity(ResponseHeadersStrictTransportSecurity.builder()
                        .accessControlMaxAge(Duration.seconds(SecurityHeaders.HSTS_MAX_AGE_SECONDS))
                        .includeSubdomains(hsts.contains("includeSubDomains"))
                        .preload(hsts.contains("preload"))
                        .override(true)
                        .build())
                .contentTypeOptions(ResponseHeadersContentTypeOptions.builder()
                        .override(true)
                        .build())
                .frameOptions(ResponseHeadersFrameOptions.builder()
                        .frameOption(HeadersFrameOption.valueOf(SecurityHeaders.X_FRAME_OPTIONS))
                        .override(true)
                        .build())
                .referrerPolicy(ResponseHeadersReferrerPolicy.builder()
                        .referrerPolicy(HeadersReferrerPolicy.valueOf(SecurityHeaders.REFERRER_POLICY
                                .toUpperCase(Locale.ROOT)
                                .replace('-', '_')))
                        .override(true)
                        .build())
                .build();
    }

    private void acknowledgeFindings(
            boolean customDomain, boolean webAcl, Distribution distribution, BucketDeployment deployment) {
        // The deployment's handler is a singleton function that aws-cdk-lib creates and keeps up to date.
        Acknowledge.rule(
                deployment.getHandlerRole(),
                "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:"
                        + "policy/service-role/AWSLambdaBasicExecutionRole]",
                "aws-cdk-lib's BucketDeployment handler writes its logs with the AWS-managed basic execution policy");
        Stack stack = Stack.of(this);
        String partition = Token.isUnresolved(stack.getPartition()) ? "<AWS::Partition>" : stack.getPartition();
        String account = Token.isUnresolved(stack.getAccount()) ? "<AWS::AccountId>" : stack.getAccount();
        String assetBucket = "arn:" + partition + ":s3:::cdk-"
                + stack.getSynthesizer().getBootstrapQualifier() + "-assets-" + account + "-" + stack.getRegion();
        String siteBucketArn = Acknowledge.arnOf(siteBucket);
        for (String finding : List.of(
                "Action::s3:GetObject*",
                "Action::s3:GetBucket*",
                "Action::s3:List*",
                "Action::s3:DeleteObject*",
                "Action::s3:Abort*",
                "Resource::" + siteBucketArn + "/*",
                "Resource::" + assetBucket + "/*")) {
            Acknowledge.rule(
                    deployment.getHandlerRole(),
                    "AwsSolutions-IAM5[" + finding + "]",
                    "aws-cdk-lib's BucketDeployment grants its handler read on the CDK asset bucket and read/write"
                            + " on the site bucket only");
        }
        Acknowledge.rule(
                deployment.getHandlerRole(),
                "AwsSolutions-IAM5[Resource::*]",
                "aws-cdk-lib's BucketDeployment grants cloudfront:CreateInvalidation and GetInvalidation without"
                        + " naming the distribution; nothing else");
        Stack.of(this).getNode().getChildren().stream()
                .filter(child -> child.getNode().getId().startsWith("Custom::CDKBucketDeployment"))
                .forEach(handler -> Acknowledge.rule(
                        handler,
                        "AwsSolutions-L1",
                        "aws-cdk-lib chooses and updates the runtime of its BucketDeployment handler"));
        Acknowledge.rule(distribution, "AwsSolutions-CFR1", "The chat is offered worldwide; no country is excluded");
        if (!webAcl) {
            Acknowledge.rule(
                    distribution,
                    "AwsSolutions-CFR2",
                    "No AWS WAF web ACL in this environment (waf.enabled is false): the API stage throttles every"
                            + " caller, and only requests through CloudFront with the origin secret reach the"
                            + " function");
        }
        if (!customDomain) {
            Acknowledge.rule(
                    distribution,
                    "AwsSolutions-CFR4",
                    "Without a custom domain CloudFront serves its default *.cloudfront.net certificate, whose TLS"
                            + " policy CloudFront fixes; with customDomain set the distribution requires"
                            + " TLSv1.2_2021");
        }
    }

    public Bucket siteBucket() {
        return siteBucket;
    }

    /** The page's address: the custom domain when configured, else the distribution's own domain. */
    public String url() {
        return url;
    }

    /** Every address of the page: the custom domain when configured, then the distribution's own domain. */
    public List<String> pageUrls() {
        return pageUrls;
    }
}
