package dev.bedrockchat.infra.stacks;

import static dev.bedrockchat.infra.support.Cfn.map;
import static dev.bedrockchat.infra.support.Cfn.only;
import static dev.bedrockchat.infra.support.Cfn.properties;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bedrockchat.infra.support.Acknowledgements;
import dev.bedrockchat.infra.support.Cfn;
import dev.bedrockchat.infra.support.Synthesized;
import dev.bedrockchat.infra.waf.EdgeWebAcl;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

/**
 * The optional AWS WAF web ACL: its own stack in us-east-1, the managed rule groups and the per-IP rate limit, and the
 * distribution's wiring, both when the environment is in us-east-1 (prod of cdk.json) and elsewhere.
 */
class WafTest {

    @Test
    void prodHasAWebAclOfScopeCloudFrontInUsEast1WithTheManagedRulesAndARateLimit() {
        Synthesized prod = Synthesized.environment("prod");
        WafStack waf = prod.stacks().waf().orElseThrow();
        Template template = prod.templates().get(waf);

        assertThat(waf.getStackName()).isEqualTo("Chat-Prod-Waf");
        assertThat(waf.getRegion()).isEqualTo("us-east-1");
        Map<String, Object> acl = properties(only(template.findResources("AWS::WAFv2::WebACL")));
        assertThat(acl)
                .containsEntry("Scope", "CLOUDFRONT")
                .containsEntry("Name", "chat-prod")
                .containsEntry("DefaultAction", Map.of("Allow", Map.of()));
        List<Map<String, Object>> rules =
                Cfn.list(acl.get("Rules")).stream().map(Cfn::map).toList();
        assertThat(rules)
                .extracting(rule -> rule.get("Name"))
                .containsExactly(
                        "RateLimitPerIp", "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet");
        assertThat(rules).extracting(rule -> rule.get("Priority")).containsExactly(0, 1, 2);

        // The rate limit of cdk.json, per client IP address, in 5 minutes, answered in the API's envelope.
        Map<String, Object> rate = rules.get(0);
        assertThat(map(rate.get("Statement")).get("RateBasedStatement"))
                .isEqualTo(Map.of("AggregateKeyType", "IP", "EvaluationWindowSec", 300, "Limit", 2000));
        assertThat(prod.config().waf().rateLimitPer5Minutes()).isEqualTo(2000);
        Map<String, Object> block = map(map(rate.get("Action")).get("Block"));
        assertThat(map(block.get("CustomResponse")))
                .containsEntry("ResponseCode", 429)
                .containsEntry("CustomResponseBodyKey", "Throttled")
                .containsEntry("ResponseHeaders", List.of(Map.of("Name", "Retry-After", "Value", "300")));
        Map<String, Object> body = map(map(acl.get("CustomResponseBodies")).get("Throttled"));
        assertThat(body).containsEntry("ContentType", "APPLICATION_JSON");
        assertThat((String) body.get("Content")).startsWith("{\"error\":{\"code\":\"Throttled\",\"message\":");

        // AWS's managed groups, with their own actions, except the common set's body rules (free chat text).
        Map<String, Object> common = rules.get(1);
        assertThat(common).containsEntry("OverrideAction", Map.of("None", Map.of()));
        Map<String, Object> commonStatement = map(map(common.get("Statement")).get("ManagedRuleGroupStatement"));
        assertThat(commonStatement)
                .containsEntry("VendorName", "AWS")
                .containsEntry("Name", "AWSManagedRulesCommonRuleSet");
        assertThat(Cfn.list(commonStatement.get("RuleActionOverrides")))
                .extracting(override -> map(override).get("Name"))
                .containsExactlyElementsOf(EdgeWebAcl.COUNTED_BODY_RULES);
        assertThat(Cfn.list(commonStatement.get("RuleActionOverrides")))
                .allSatisfy(
                        override -> assertThat(map(override).get("ActionToUse")).isEqualTo(Map.of("Count", Map.of())));
        assertThat(EdgeWebAcl.COUNTED_BODY_RULES).allMatch(rule -> rule.endsWith("_BODY"));
        Map<String, Object> knownBad = rules.get(2);
        assertThat(map(map(knownBad.get("Statement")).get("ManagedRuleGroupStatement")))
                .isEqualTo(Map.of("VendorName", "AWS", "Name", "AWSManagedRulesKnownBadInputsRuleSet"));
        assertThat(rules)
                .allSatisfy(rule -> assertThat(map(rule.get("VisibilityConfig")))
                        .containsEntry("CloudWatchMetricsEnabled", true)
                        .containsEntry("SampledRequestsEnabled", true));
    }

    @Test
    void inUsEast1TheDistributionImportsTheWebAclArnWithoutCrossRegionMachinery() {
        Synthesized prod = Synthesized.environment("prod");
        WafStack waf = prod.stacks().waf().orElseThrow();
        String aclId = prod.templates().get(waf).getResourceId("AWS::WAFv2::WebACL");

        Object webAclId = distributionConfig(prod.web()).get("WebACLId");
        Map<String, Object> export = exportOf(prod.templates().get(waf), webAclId);
        assertThat(export.get("Value")).isEqualTo(Map.of("Fn::GetAtt", List.of(aclId, "Arn")));
        assertThat(prod.stacks().web().getDependencies())
                .contains(waf, prod.stacks().backend());
        prod.web().resourceCountIs("Custom::CrossRegionExportReader", 0);
        prod.templates().get(waf).resourceCountIs("Custom::CrossRegionExportWriter", 0);
    }

    @Test
    void withWafTheNoWafAcknowledgementsAreGoneAndTheStageSaysWhereTheWebAclIs() {
        Synthesized prod = Synthesized.environment("prod");
        assertThat(Acknowledgements.of(prod.stacks().web(), "AwsSolutions-CFR2"))
                .isEmpty();
        assertThat(Acknowledgements.of(prod.stacks().backend(), "AwsSolutions-APIG3")
                        .values())
                .singleElement()
                .asString()
                .startsWith("The AWS WAF web ACL guards the CloudFront distribution, the only way in");

        Synthesized dev = Synthesized.environment("dev");
        assertThat(dev.stacks().waf()).isEmpty();
        assertThat(dev.config().waf().enabled()).isFalse();
        assertThat(distributionConfig(dev.web())).doesNotContainKey("WebACLId");
        assertThat(Acknowledgements.of(dev.stacks().web(), "AwsSolutions-CFR2").values())
                .singleElement()
                .asString()
                .startsWith("No AWS WAF web ACL in this environment (waf.enabled is false)");
        assertThat(Acknowledgements.of(dev.stacks().backend(), "AwsSolutions-APIG3")
                        .values())
                .singleElement()
                .asString()
                .startsWith("No AWS WAF web ACL in this environment (waf.enabled is false)");
    }

    @Test
    @SuppressWarnings("unchecked")
    void outsideUsEast1TheWebStackReadsTheArnAcrossRegions() {
        Synthesized app = Synthesized.variant("waf:eu-west-1", "prod", prod -> {
            prod.put("region", "eu-west-1");
            prod.put("availabilityZones", List.of("eu-west-1a", "eu-west-1b"));
            Map<String, Object> models = (Map<String, Object>) prod.get("models");
            models.put("allowed", List.of("eu.amazon.nova-lite-v1:0"));
            models.put("default", "eu.amazon.nova-lite-v1:0");
        });
        WafStack waf = app.stacks().waf().orElseThrow();
        Template wafTemplate = app.templates().get(waf);

        assertThat(waf.getRegion()).isEqualTo("us-east-1");
        assertThat(app.stacks().web().getRegion()).isEqualTo("eu-west-1");
        // The web ACL's ARN goes through an SSM parameter in eu-west-1, written by the WAF stack.
        wafTemplate.resourceCountIs("Custom::CrossRegionExportWriter", 1);
        app.web().resourceCountIs("Custom::CrossRegionExportReader", 1);
        String reader = app.web().getResourceId("Custom::CrossRegionExportReader");
        Map<String, Object> webAclId = map(distributionConfig(app.web()).get("WebACLId"));
        assertThat(Cfn.list(webAclId.get("Fn::GetAtt")).getFirst()).isEqualTo(reader);
        assertThat(app.web().toJSON().toString()).doesNotContain("Chat-Prod-Waf:ExportsOutput");
        Map<String, Object> writer = properties(only(wafTemplate.findResources("Custom::CrossRegionExportWriter")));
        assertThat(map(writer.get("WriterProps")))
                .containsEntry("region", "eu-west-1")
                .extractingByKey("exports")
                .satisfies(exports -> assertThat(map(exports).values())
                        .singleElement()
                        .isEqualTo(
                                Map.of("Fn::GetAtt", List.of(wafTemplate.getResourceId("AWS::WAFv2::WebACL"), "Arn"))));
        // The backend stays in its Region without cross-Region references.
        assertThat(app.backend().toJSON().toString()).doesNotContain("CrossRegionExport");
    }

    private static Map<String, Object> distributionConfig(Template web) {
        return map(properties(only(web.findResources("AWS::CloudFront::Distribution")))
                .get("DistributionConfig"));
    }

    /** The output of {@code producer} that {@code importValue} ({@code {"Fn::ImportValue": name}}) imports. */
    private static Map<String, Object> exportOf(Template producer, Object importValue) {
        String name = (String) map(importValue).get("Fn::ImportValue");
        return producer.findOutputs("*").values().stream()
                .map(Cfn::map)
                .filter(output -> output.containsKey("Export")
                        && name.equals(map(output.get("Export")).get("Name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no export " + name));
    }
}
