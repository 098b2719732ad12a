package dev.bedrockchat.function.api.openai;

/** Amazon Bedrock's stop reasons (Converse {@code stopReason}) as the OpenAI API's {@code finish_reason}. */
public final class FinishReasons {
    private FinishReasons() {}

    /**
     * {@code end_turn} and {@code stop_sequence} → {@code stop}; {@code max_tokens} and
     * {@code model_context_window_exceeded} → {@code length}; {@code guardrail_intervened} and
     * {@code content_filtered} → {@code content_filter}; {@code tool_use} → {@code tool_calls}; anything else (a
     * reason newer than this mapping, or none) → {@code stop}.
     */
    public static String of(String stopReason) {
        if (stopReason == null) {
            return "stop";
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "guardrail_intervened", "content_filtered" -> "content_filter";
            case "tool_use" -> "tool_calls";
            default -> "stop";
        };
    }
}
