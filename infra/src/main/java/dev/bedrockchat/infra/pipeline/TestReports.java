package dev.bedrockchat.infra.pipeline;

import dev.bedrockchat.infra.support.Ordered;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.codebuild.ReportGroup;
import software.amazon.awscdk.services.codebuild.ReportGroupType;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.constructs.Construct;

/**
 * The CodeBuild report groups of the build's tests: JUnit XML of every module's unit tests (Surefire) and system tests
 * (Failsafe), shown per build in the CodeBuild console with their trends. The reports go with the stack.
 */
public final class TestReports extends Construct {
    /** Report group name → the JUnit XML files of one kind of test, relative to the repository. */
    public static final Map<String, String> FILES = Ordered.map(
            "chat-unit-tests", "**/target/surefire-reports/TEST-*.xml",
            "chat-system-tests", "**/target/failsafe-reports/TEST-*.xml");

    private final List<String> arns = new ArrayList<>();

    public TestReports(Construct scope, String id) {
        super(scope, id);
        Stack stack = Stack.of(this);
        FILES.keySet().forEach(name -> {
            ReportGroup.Builder.create(this, name)
                    .reportGroupName(name)
                    .type(ReportGroupType.TEST)
                    .removalPolicy(RemovalPolicy.DESTROY)
                    .deleteReports(true)
                    .build();
            // A build spec names its report groups by ARN, written out: a token cannot be a key of the build spec.
            String arn = stack.formatArn(ArnComponents.builder()
                    .service("codebuild")
                    .resource("report-group")
                    .resourceName(name)
                    .arnFormat(ArnFormat.SLASH_RESOURCE_NAME)
                    .build());
            if (Token.isUnresolved(arn)) {
                throw new IllegalStateException("the pipeline stack needs an explicit account and Region: " + arn);
            }
            arns.add(arn);
        });
    }

    /** The {@code reports} section of the build spec. */
    public Map<String, Object> buildSpecSection() {
        Map<String, Object> reports = new LinkedHashMap<>();
        List<String> files = List.copyOf(FILES.values());
        for (int i = 0; i < arns.size(); i++) {
            reports.put(arns.get(i), Ordered.map("files", List.of(files.get(i)), "file-format", "JUNITXML"));
        }
        return reports;
    }

    /** What the build's role needs to write its reports into these groups, and no other. */
    public PolicyStatement writeStatement() {
        return PolicyStatement.Builder.create()
                .actions(List.of(
                        "codebuild:CreateReport",
                        "codebuild:UpdateReport",
                        "codebuild:BatchPutTestCases",
                        "codebuild:BatchPutCodeCoverages"))
                .resources(List.copyOf(arns))
                .build();
    }
}
