package dev.bedrockchat.infra.function;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.scheduler.Schedule;
import software.amazon.awscdk.services.scheduler.ScheduleExpression;
import software.amazon.awscdk.services.scheduler.ScheduleTargetInput;
import software.amazon.awscdk.services.scheduler.targets.LambdaInvoke;
import software.constructs.Construct;

/**
 * A daily EventBridge Scheduler call of the function's alias, so that its published SnapStart version stays active:
 * Lambda deactivates a SnapStart version that has not been called for 14 days, and the next call after that fails
 * until the version is restored.
 *
 * <p>The call carries {@value #EVENT} and is not an HTTP request: behind the Lambda Web Adapter it reaches the
 * function as {@code POST} {@value ChatFunction#PASS_THROUGH_PATH}, buffered as a raw event, and the function answers
 * it. One call a day costs nothing measurable (one Scheduler invocation and one short Lambda invocation a day, both
 * within their free tiers).
 */
public final class WarmUpSchedule extends Construct {
    /** The event of the warm-up call. */
    public static final String EVENT = "{\"source\":\"bedrock-chat.warm-up\"}";
    /** How often the alias is called: far more often than the 14 days after which a version goes inactive. */
    public static final Duration EVERY = Duration.days(1);

    private final Schedule schedule;

    /**
     * @param environmentName the environment (in the description)
     * @param target          what is called: the function's alias
     */
    public record Props(String environmentName, IFunction target) {}

    public WarmUpSchedule(Construct scope, String id, Props props) {
        super(scope, id);
        schedule = Schedule.Builder.create(this, "Schedule")
                .description("Chat (" + props.environmentName() + "): daily warm-up call, keeps the SnapStart"
                        + " version active")
                .schedule(ScheduleExpression.rate(EVERY))
                .target(LambdaInvoke.Builder.create(props.target())
                        .input(ScheduleTargetInput.fromText(EVENT))
                        // A missed call is harmless: the next one follows a day later.
                        .retryAttempts(2)
                        .maxEventAge(Duration.hours(1))
                        .build())
                .build();
    }

    public Schedule schedule() {
        return schedule;
    }
}
