package dev.bedrockchat.infra.waf;

import dev.bedrockchat.infra.support.Ordered;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.services.wafv2.CfnWebACL;
import software.amazon.awscdk.services.wafv2.CfnWebACL.BlockActionProperty;
import software.amazon.awscdk.services.wafv2.CfnWebACL.CountActionProperty;
import software.amazon.awscdk.services.wafv2.CfnWebACL.CustomHTTPHeaderProperty;
import software.amazon.awscdk.services.wafv2.CfnWebACL.CustomResponseBodyProperty;
import software.amazon.awscdk.services.wafv2.CfnWebACL.CustomResponseProperty;
import software.amazon.awscdk.services.wafv2.CfnWebACL.ManagedRuleGroupStatementProperty;
import software.amazon.awscdk.services.wafv2.CfnWebACL.OverrideActionProperty;
import software.amazon.awscdk.services.wafv2.CfnWebACL.RateBasedStatementProperty;
import software.amazon.awscdk.services.wafv2.CfnWebACL.RuleActionOverrideProperty;
import software.amazon.awscdk.services.wafv2.CfnWebACL.RuleActionProperty;
import software.amazon.awscdk.services.wafv2.CfnWebACL.RuleProperty;
import software.amazon.awscdk.services.wafv2.CfnWebACL.StatementProperty;
import software.amazon.awscdk.services.wafv2.CfnWebACL.VisibilityConfigProperty;
import software.constructs.Construct;

/**
 * The AWS WAF web ACL of the CloudFront distribution (scope CLOUDFRONT, so it must live in us-east-1): a per-IP
 * rate-based rule that answers {@code 429 Throttled} in the API's error envelope, then AWS's managed rule groups
 * {@value #COMMON_RULE_SET} and {@value #KNOWN_BAD_INPUTS_RULE_SET}. Everything else is allowed.
 *
 * <p>The chat's request bodies are free text that legitimately holds code, file paths, URLs and HTML (a question
 * about a script is no attack), and a long message is bigger than the common rule set's 8 KB body limit: the common
 * set's body rules ({@link #COUNTED_BODY_RULES}) only count. The function reads a body as data and never renders it,
 * and the page shows answers as sanitized Markdown. The common set's header, query and path rules, and every rule of
 * the known-bad-inputs set, block.
 */
public final class EdgeWebAcl extends Construct {
    public static final String COMMON_RULE_SET = "AWSManagedRulesCommonRuleSet";
    public static final String KNOWN_BAD_INPUTS_RULE_SET = "AWSManagedRulesKnownBadInputsRuleSet";
    /** Rules of the common set that inspect the body, which only count here (see above). */
    public static final List<String> COUNTED_BODY_RULES = List.of(
            "SizeRestrictions_BODY",
            "CrossSiteScripting_BODY",
            "GenericLFI_BODY",
            "GenericRFI_BODY",
            "EC2MetaDataSSRF_BODY");
    /** The window of the rate-based rule, the one the setting's name promises. */
    public static final int RATE_WINDOW_SECONDS = 300;

    static final String THROTTLED_BODY = "Throttled";

    /**
     * @param environmentName       the deployment's name ({@code dev}, or {@code dev-alice} for a private copy), in
     *                              the web ACL's name and metric names
     * @param rateLimitPer5Minutes  the most requests of one client IP address in any 5 minutes
     */
    public record Props(String environmentName, int rateLimitPer5Minutes) {}

    private final CfnWebACL webAcl;

    public EdgeWebAcl(Construct scope, String id, Props props) {
        super(scope, id);
        String name = "chat-" + props.environmentName();
        List<Object> rules = new ArrayList<>();
        rules.add(RuleProperty.builder()
                .name("RateLimitPerIp")
                .priority(0)
                .statement(StatementProperty.builder()
                        .rateBasedStatement(RateBasedStatementProperty.builder()
                                .limit(props.rateLimitPer5Minutes())
                                .evaluationWindowSec(RATE_WINDOW_SECONDS)
                                .aggregateKeyType("IP")
                                .build())
                        .build())
                .action(RuleActionProperty.builder()
                        .block(BlockActionProperty.builder()
                                .customResponse(CustomResponseProperty.builder()
                                        .responseCode(429)
                                        .customResponseBodyKey(THROTTLED_BODY)
                                        .responseHeaders(List.of(CustomHTTPHeaderProperty.builder()
                                                .name("Retry-After")
                                                .value(Integer.toString(RATE_WINDOW_SECONDS))
                                                .build()))
                                        .build())
                                .build())
                        .build())
                .visibilityConfig(visibility(name + "-rate-limit"))
                .build());
        rules.add(managedRuleGroup(1, COMMON_RULE_SET, name + "-common", COUNTED_BODY_RULES));
        rules.add(managedRuleGroup(2, KNOWN_BAD_INPUTS_RULE_SET, name + "-known-bad-inputs", List.of()));

        webAcl = CfnWebACL.Builder.create(this, "WebAcl")
                .name(name)
                // WAF allows letters, digits, spaces and =:#@/-,. only.
                .description("Bedrock chat, " + props.environmentName() + ": rate limit per IP, AWS managed rules")
                .scope("CLOUDFRONT")
                .defaultAction(CfnWebACL.DefaultActionProperty.builder()
                        .allow(CfnWebACL.AllowActionProperty.builder().build())
                        .build())
                .customResponseBodies(Ordered.map(
                        THROTTLED_BODY,
                        CustomResponseBodyProperty.builder()
                                .contentType("APPLICATION_JSON")
                                // The edge has no request id of the API's to give.
                                .content("{\"error\":{\"code\":\"Throttled\",\"message\":\"Too many requests from"
                                        + " your address: wait a few minutes and try again\",\"requestId\":null}}")
                                .build()))
                .visibilityConfig(visibility(name))
                .rules(rules)
                .build();
    }

    private static RuleProperty managedRuleGroup(int priority, String group, String metric, List<String> counted) {
        ManagedRuleGroupStatementProperty.Builder statement =
                ManagedRuleGroupStatementProperty.builder().vendorName("AWS").name(group);
        if (!counted.isEmpty()) {
            statement.ruleActionOverrides(counted.stream()
                    .map(rule -> (Object) RuleActionOverrideProperty.builder()
                            .name(rule)
                            .actionToUse(RuleActionProperty.builder()
                                    .count(CountActionProperty.builder().build())
                                    .build())
                            .build())
                    .toList());
        }
        return RuleProperty.builder()
                .name(group)
                .priority(priority)
                .statement(StatementProperty.builder()
                        .managedRuleGroupStatement(statement.build())
                        .build())
                .overrideAction(
                        OverrideActionProperty.builder().none(Ordered.map()).build())
                .visibilityConfig(visibility(metric))
                .build();
    }

    private static VisibilityConfigProperty visibility(String metricName) {
        return VisibilityConfigProperty.builder()
                .cloudWatchMetricsEnabled(true)
                .sampledRequestsEnabled(true)
                .metricName(metricName)
                .build();
    }

    /** The web ACL's ARN, which the distribution takes as its {@code webAclId}. */
    public String arn() {
        return webAcl.getAttrArn();
    }
}
