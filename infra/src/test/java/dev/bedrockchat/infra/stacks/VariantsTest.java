package dev.bedrockchat.infra.stacks;

import static dev.bedrockchat.infra.support.Cfn.flatten;
import static dev.bedrockchat.infra.support.Cfn.map;
import static dev.bedrockchat.infra.support.Cfn.only;
import static dev.bedrockchat.infra.support.Cfn.properties;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bedrockchat.infra.function.ChatFunction;
import dev.bedrockchat.infra.support.Synthesized;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** Settings that change what is built: buffered answers, a custom domain, retained data. */
class VariantsTest {

    @Test
    @SuppressWarnings("unchecked")
    void withoutStreamingTheJavaHandlerAnswersBufferedWithinTheApiLimit() {
        Template backend = Synthesized.variant("buffered", "dev", dev -> {
                    Map<String, Object> function = (Map<String, Object>) dev.get("function");
                    function.put("streaming", false);
                    function.remove("webAdapterLayerVersion");
                    function.put("modelTimeoutSeconds", 25);
                })
                .backend();

        Map<String, Object> function = properties(only(
                backend.findResources("AWS::Lambda::Function", Map.of("Properties", Map.of("Runtime", "java25")))));
        assertThat(function)
                .containsEntry("Handler", ChatFunction.BUFFERED_HANDLER)
                .doesNotContainKey("Layers");
        assertThat(map(map(function.get("Environment")).get("Variables")))
                .doesNotContainKeys("AWS_LAMBDA_EXEC_WRAPPER", "AWS_LWA_INVOKE_MODE", "PORT")
                .containsEntry("CHAT_MODE", "bedrock")
                // A whole answer ends (saved, with its error) before API Gateway's 29 s limit cuts it off.
                .containsEntry("ANSWER_TIMEOUT_SECONDS", "24");

        Map<String, Object> integration = map(properties(only(backend.findResources("AWS::ApiGateway::Method")))
                .get("Integration"));
        assertThat(integration)
                .containsEntry("ResponseTransferMode", "BUFFERED")
                .containsEntry("TimeoutInMillis", 29_000);
        // The latency alarm follows the buffered limit, not the function's longer timeout.
        backend.hasResourceProperties(
                "AWS::CloudWatch::Alarm", Map.of("MetricName", "Latency", "Threshold", 29_000 * 0.8));
        assertThat(flatten(integration.get("Uri")))
                .contains("/2015-03-31/functions/")
                .endsWith("/invocations");
    }

    @Test
    void aCustomDomainGetsItsCertificateAndTls12() {
        String certificate = "arn:aws:acm:us-east-1:111122223333:certificate/0e1f2a3b-4c5d-6e7f-8a9b-0c1d2e3f4a5b";
        Template web = Synthesized.variant(
                        "custom-domain",
                        "dev",
                        dev -> dev.put(
                                "customDomain", Map.of("name", "chat.example.com", "certificateArn", certificate)))
                .web();

        web.hasResourceProperties(
                "AWS::CloudFront::Distribution",
                Map.of(
                        "DistributionConfig",
                        Match.objectLike(Map.of(
                                "Aliases", List.of("chat.example.com"),
                                "ViewerCertificate",
                                        Map.of(
                                                "AcmCertificateArn",
                                                certificate,
                                                "MinimumProtocolVersion",
                                                "TLSv1.2_2021",
                                                "SslSupportMethod",
                                                "sni-only")))));
        web.hasOutput("CloudFrontUrl", Map.of("Value", "https://chat.example.com"));
    }

    @Test
    void stagingAndProdKeepTheirDataWhenDeletedAndDevDoesNot() {
        for (String name : List.of("staging", "prod")) {
            Synthesized app = Synthesized.environment(name);
            Template backend = app.backend();
            backend.allResources("AWS::S3::Bucket", Map.of("DeletionPolicy", "Retain"));
            backend.allResources("AWS::Logs::LogGroup", Map.of("DeletionPolicy", "Retain"));
            backend.resourceCountIs("Custom::S3AutoDeleteObjects", 0);
            assertThat(app.stacks().backend().getTerminationProtection()).isTrue();
        }
        Template dev = Synthesized.environment("dev").backend();
        dev.allResources("AWS::S3::Bucket", Map.of("DeletionPolicy", "Delete"));
        // dev reserves no concurrency: a new account's whole (small) limit stays available.
        dev.hasResourceProperties(
                "AWS::Lambda::Function", Map.of("Runtime", "java25", "ReservedConcurrentExecutions", Match.absent()));
        assertThat(Synthesized.environment("dev").stacks().backend().getTerminationProtection())
                .isFalse();
    }
}
