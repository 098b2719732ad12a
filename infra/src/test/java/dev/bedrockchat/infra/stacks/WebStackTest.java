package dev.bedrockchat.infra.stacks;

import static dev.bedrockchat.infra.support.Cfn.flatten;
import static dev.bedrockchat.infra.support.Cfn.map;
import static dev.bedrockchat.infra.support.Cfn.only;
import static dev.bedrockchat.infra.support.Cfn.properties;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bedrockchat.infra.support.Synthesized;
import dev.bedrockchat.infra.web.SecurityHeaders;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The web stack of dev, as cdk.json defines it. */
class WebStackTest {
    // AWS-managed policies, by their documented ids.
    private static final String CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
    private static final String CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
    private static final String ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac";

    private static Template template;

    @BeforeAll
    static void synthesize() {
        template = Synthesized.environment("dev").web();
    }

    @Test
    void thePageComesFromAPrivateBucketThroughOriginAccessControl() {
        Map<String, Object> config = distributionConfig();
        Map<String, Object> behaviour = map(config.get("DefaultCacheBehavior"));
        assertThat(behaviour)
                .containsEntry("ViewerProtocolPolicy", "redirect-to-https")
                .containsEntry("CachePolicyId", CACHING_OPTIMIZED)
                .containsEntry("AllowedMethods", List.of("GET", "HEAD"));
        Map<String, Object> origin = origin(config, (String) behaviour.get("TargetOriginId"));
        String siteBucket = siteBucket();
        assertThat(flatten(origin.get("DomainName"))).isEqualTo("${" + siteBucket + ".RegionalDomainName}");
        assertThat(flatten(origin.get("OriginAccessControlId"))).contains("OriginAccessControl");
        assertThat(origin).containsEntry("S3OriginConfig", Map.of("OriginAccessIdentity", ""));
        template.hasResourceProperties(
                "AWS::CloudFront::OriginAccessControl",
                Map.of(
                        "OriginAccessControlConfig",
                        Map.of(
                                "OriginAccessControlOriginType",
                                "s3",
                                "SigningBehavior",
                                "always",
                                "SigningProtocol",
                                "sigv4")));
        template.hasResourceProperties(
                "AWS::S3::BucketPolicy",
                Map.of(
                        "Bucket", Map.of("Ref", siteBucket),
                        "PolicyDocument",
                                Map.of(
                                        "Statement",
                                        Match.arrayWith(List.of(Match.objectLike(Map.of(
                                                "Effect",
                                                "Allow",
                                                "Principal",
                                                Map.of("Service", "cloudfront.amazonaws.com"),
                                                "Action",
                                                "s3:GetObject",
                                                "Condition",
                                                Map.of(
                                                        "StringEquals",
                                                        Map.of("AWS:SourceArn", Match.anyValue())))))))));
        template.hasResourceProperties(
                "AWS::S3::Bucket",
                Map.of(
                        "PublicAccessBlockConfiguration",
                                Map.of(
                                        "BlockPublicAcls",
                                        true,
                                        "BlockPublicPolicy",
                                        true,
                                        "IgnorePublicAcls",
                                        true,
                                        "RestrictPublicBuckets",
                                        true),
                        "BucketEncryption", Match.anyValue(),
                        "LoggingConfiguration",
                                Map.of("DestinationBucketName", Match.anyValue(), "LogFilePrefix", "site-bucket/")));
    }

    @Test
    void theApiPathGoesUncachedToTheStageWithEveryViewerHeaderButHost() {
        Map<String, Object> config = distributionConfig();
        List<?> behaviours = (List<?>) config.get("CacheBehaviors");
        // After the sign-in settings' more specific path; /v1/* goes the same way to the same origin.
        assertThat(behaviours).hasSize(3);
        Map<String, Object> api = map(behaviours.get(1));
        Map<String, Object> v1 = new java.util.LinkedHashMap<>(map(behaviours.get(2)));
        assertThat(v1.remove("PathPattern")).isEqualTo("/v1/*");
        Map<String, Object> apiWithoutPattern = new java.util.LinkedHashMap<>(api);
        apiWithoutPattern.remove("PathPattern");
        assertThat(v1).isEqualTo(apiWithoutPattern);
        assertThat(api)
                .containsEntry("PathPattern", "/api/*")
                .containsEntry("AllowedMethods", List.of("GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"))
                .containsEntry("CachePolicyId", CACHING_DISABLED)
                .containsEntry("OriginRequestPolicyId", ALL_VIEWER_EXCEPT_HOST_HEADER)
                .containsEntry("ViewerProtocolPolicy", "https-only")
                .containsEntry("Compress", false);
        Map<String, Object> origin = origin(config, (String) api.get("TargetOriginId"));
        assertThat(map(origin.get("CustomOriginConfig")))
                .containsEntry("OriginProtocolPolicy", "https-only")
                .containsEntry("OriginReadTimeout", 60)
                .containsEntry("OriginSSLProtocols", List.of("TLSv1.2"));
        assertThat(flatten(origin.get("DomainName"))).contains("execute-api.us-east-1");
        assertThat(origin).containsKey("OriginPath");
    }

    @Test
    void theSecurityHeadersAreStrict() {
        assertThat(SecurityHeaders.CONTENT_SECURITY_POLICY)
                .isEqualTo("default-src 'self'; script-src 'self';"
                        + " style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none';"
                        + " base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
        assertThat(SecurityHeaders.STRICT_TRANSPORT_SECURITY).isEqualTo("max-age=63072000; includeSubDomains; preload");
        assertThat(SecurityHeaders.X_CONTENT_TYPE_OPTIONS).isEqualTo("nosniff");
        assertThat(SecurityHeaders.X_FRAME_OPTIONS).isEqualTo("DENY");
        assertThat(SecurityHeaders.REFERRER_POLICY).isEqualTo("strict-origin-when-cross-origin");
    }

    /** What the system test compares the local server with is what CloudFront sends. */
    @Test
    void everyResponseCarriesExactlyTheSecurityHeadersConstants() {
        Map<String, Object> headers =
                map(map(properties(only(template.findResources("AWS::CloudFront::ResponseHeadersPolicy")))
                                .get("ResponseHeadersPolicyConfig"))
                        .get("SecurityHeadersConfig"));
        assertThat(headers.values())
                .allSatisfy(header -> assertThat(map(header)).containsEntry("Override", true));
        Map<String, Object> hsts = map(headers.get("StrictTransportSecurity"));

        // Each header as CloudFront writes it from the policy (X-Content-Type-Options can only be nosniff).
        assertThat(Map.of(
                        "Content-Security-Policy",
                                map(headers.get("ContentSecurityPolicy")).get("ContentSecurityPolicy"),
                        "Strict-Transport-Security",
                                "max-age=" + hsts.get("AccessControlMaxAgeSec")
                                        + (Boolean.TRUE.equals(hsts.get("IncludeSubdomains"))
                                                ? "; includeSubDomains"
                                                : "")
                                        + (Boolean.TRUE.equals(hsts.get("Preload")) ? "; preload" : ""),
                        "X-Content-Type-Options", headers.containsKey("ContentTypeOptions") ? "nosniff" : "",
                        "X-Frame-Options", map(headers.get("FrameOptions")).get("FrameOption"),
                        "Referrer-Policy", map(headers.get("ReferrerPolicy")).get("ReferrerPolicy")))
                .isEqualTo(Map.of(
                        "Content-Security-Policy", SecurityHeaders.CONTENT_SECURITY_POLICY,
                        "Strict-Transport-Security", SecurityHeaders.STRICT_TRANSPORT_SECURITY,
                        "X-Content-Type-Options", SecurityHeaders.X_CONTENT_TYPE_OPTIONS,
                        "X-Frame-Options", SecurityHeaders.X_FRAME_OPTIONS,
                        "Referrer-Policy", SecurityHeaders.REFERRER_POLICY));
        assertThat(headers)
                .containsOnlyKeys(
                        "ContentSecurityPolicy",
                        "StrictTransportSecurity",
                        "ContentTypeOptions",
                        "FrameOptions",
                        "ReferrerPolicy");

        String policy = template.getResourceId("AWS::CloudFront::ResponseHeadersPolicy");
        Map<String, Object> config = distributionConfig();
        assertThat(flatten(map(config.get("DefaultCacheBehavior")).get("ResponseHeadersPolicyId")))
                .isEqualTo("${" + policy + "}");
        assertThat((List<?>) config.get("CacheBehaviors"))
                .hasSize(3)
                .allSatisfy(behaviour -> assertThat(flatten(map(behaviour).get("ResponseHeadersPolicyId")))
                        .isEqualTo("${" + policy + "}"));
    }

    @Test
    void viewersUseHttp2And3AndTheDistributionLogs() {
        Map<String, Object> config = distributionConfig();
        assertThat(config)
                .containsEntry("HttpVersion", "http2and3")
                .containsEntry("DefaultRootObject", "index.html")
                .containsEntry("Enabled", true);
        Map<String, Object> logging = map(config.get("Logging"));
        assertThat(logging).containsEntry("Prefix", "cloudfront/");
        assertThat(flatten(logging.get("Bucket"))).matches("\\$\\{WebAccessLogsBucket.*\\.RegionalDomainName}");
        // CloudFront standard logs arrive with ACLs: the log bucket accepts them and nothing public.
        template.hasResourceProperties(
                "AWS::S3::Bucket",
                Map.of(
                        "OwnershipControls", Map.of("Rules", List.of(Map.of("ObjectOwnership", "ObjectWriter"))),
                        "PublicAccessBlockConfiguration",
                                Map.of(
                                        "BlockPublicAcls",
                                        true,
                                        "BlockPublicPolicy",
                                        true,
                                        "IgnorePublicAcls",
                                        true,
                                        "RestrictPublicBuckets",
                                        true)));
    }

    @Test
    void thePageIsDeployedAndTheCacheInvalidated() {
        template.hasResourceProperties(
                "Custom::CDKBucketDeployment",
                Map.of(
                        "DestinationBucketName", Map.of("Ref", siteBucket()),
                        "DistributionPaths", List.of("/*"),
                        "Prune", true));
        template.hasOutput(
                "CloudFrontUrl",
                Map.of(
                        "Value",
                        Map.of(
                                "Fn::Join",
                                List.of(
                                        "",
                                        List.of(
                                                "https://",
                                                Map.of(
                                                        "Fn::GetAtt",
                                                        List.of(
                                                                template.getResourceId("AWS::CloudFront::Distribution"),
                                                                "DomainName")))))));
    }

    private Map<String, Object> distributionConfig() {
        return map(properties(only(template.findResources("AWS::CloudFront::Distribution")))
                .get("DistributionConfig"));
    }

    private static Map<String, Object> origin(Map<String, Object> config, String id) {
        return ((List<?>) config.get("Origins"))
                .stream()
                        .map(origin -> map(origin))
                        .filter(origin -> id.equals(origin.get("Id")))
                        .findFirst()
                        .orElseThrow();
    }

    private String siteBucket() {
        return template.findResources("AWS::S3::Bucket").keySet().stream()
                .filter(id -> id.startsWith("WebSiteBucket"))
                .findFirst()
                .orElseThrow();
    }
}
