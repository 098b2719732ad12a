package dev.bedrockchat.function.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bedrockchat.function.auth.AuthMode;
import dev.bedrockchat.function.auth.Caller;
import dev.bedrockchat.function.auth.ClientConfig;
import dev.bedrockchat.function.chat.ChatResult;
import dev.bedrockchat.function.chat.Conversation;
import dev.bedrockchat.function.chat.ConversationPage;
import dev.bedrockchat.function.chat.ConversationSummary;
import dev.bedrockchat.function.chat.ModelCatalog;
import dev.bedrockchat.function.chat.ModelCheck;
import dev.bedrockchat.function.chat.Principal;
import dev.bedrockchat.function.chat.StoredMessage;
import dev.bedrockchat.function.chat.Usage;
import dev.bedrockchat.function.chat.UsageReport;
import dev.bedrockchat.function.chat.UsageTotals;
import dev.bedrockchat.function.keys.ApiKey;
import dev.bedrockchat.function.keys.CreatedKey;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Every JSON body the API answers with, shaped in one place (openapi.yaml describes the same shapes). */
final class ResponseBodies {
    private final ObjectMapper mapper;

    ResponseBodies(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** {@code GET /api/health}. */
    ObjectNode health(HealthInfo health) {
        ObjectNode body = mapper.createObjectNode()
                .put("status", "ok")
                .put("mode", health.mode())
                .put("model", health.model())
                .put("region", health.region())
                .put("storage", health.storage())
                .put("version", health.version())
                .put("auth", health.auth());
        health.bedrockEndpoint().ifPresent(endpoint -> body.put("bedrockEndpoint", endpoint));
        return body;
    }

    /**
     * {@code GET /api/auth/config}: {@code {"mode"}}, and in {@code oidc} mode what the page needs to sign in
     * ({@code issuer, clientId, authorizationEndpoint, tokenEndpoint, scopes, logout?{url, style}}).
     */
    ObjectNode authConfig(ClientConfig config) {
        ObjectNode body = mapper.createObjectNode().put("mode", config.mode().wireName());
        config.oidc().ifPresent(oidc -> {
            body.put("issuer", oidc.issuer())
                    .put("clientId", oidc.clientId())
                    .put("authorizationEndpoint", oidc.authorizationEndpoint().toString())
                    .put("tokenEndpoint", oidc.tokenEndpoint().toString());
            ArrayNode scopes = body.putArray("scopes");
            oidc.scopes().forEach(scopes::add);
            oidc.logout()
                    .ifPresent(logout -> body.putObject("logout")
                            .put("url", logout.url().toString())
                            .put("style", logout.style().name().toLowerCase(Locale.ROOT)));
        });
        return body;
    }

    /** {@code GET /api/me}: {@code {"principal":{"kind","id","name"?,"email"?},"auth"}}. */
    ObjectNode me(Caller caller, AuthMode mode) {
        ObjectNode body = mapper.createObjectNode();
        ObjectNode principal = body.putObject("principal")
                .put("kind", caller.principal().kind())
                .put("id", caller.principal().id());
        caller.name().ifPresent(name -> principal.put("name", name));
        caller.email().ifPresent(email -> principal.put("email", email));
        body.put("auth", mode.wireName());
        return body;
    }

    /** {@code GET /api/health?check=bedrock}. */
    ObjectNode bedrockCheck(HealthInfo health, ModelCheck.Result result, long timeoutMs) {
        ObjectNode body = mapper.createObjectNode()
                .put("check", "bedrock")
                .put("ok", result.ok())
                .put("mode", health.mode())
                .put("region", health.region());
        health.bedrockEndpoint().ifPresent(endpoint -> body.put("bedrockEndpoint", endpoint));
        body.put("checkedAt", result.checkedAt().toString())
                .put("cached", result.cached())
                .put("timeoutMs", timeoutMs);
        if (result.standIn()) {
            body.put(
                    "notice",
                    "Offline stand-in: no model was called, so nothing is known to work. Set CHAT_MODE=bedrock and "
                            + "provide AWS credentials to check Amazon Bedrock.");
        }
        ArrayNode models = body.putArray("models");
        for (ModelCheck.ModelResult model : result.models()) {
            ObjectNode entry = models.addObject()
                    .put("id", model.modelId())
                    .put("status", model.ok() ? "ok" : "error")
                    .put("latencyMs", model.latencyMs());
            model.failure().ifPresent(failure -> {
                entry.put("code", HttpError.of(failure.code()).code());
                failure.reason().ifPresent(reason -> entry.put("reason", reason.wireName()));
                entry.put("message", failure.getMessage());
            });
        }
        return body;
    }

    /** {@code GET /api/models}. */
    ObjectNode models(ModelCatalog catalog) {
        ObjectNode body = mapper.createObjectNode().put("default", catalog.defaultModelId());
        ArrayNode models = body.putArray("models");
        for (ModelCatalog.Model model : catalog.models()) {
            models.addObject().put("id", model.id()).put("label", model.label());
        }
        return body;
    }

    /** {@code POST /api/chat}, answered whole. */
    ObjectNode chatReply(ChatResult result) {
        ObjectNode body = mapper.createObjectNode()
                .put("conversationId", result.conversationId())
                .put("title", result.title())
                .put("reply", result.reply())
                .put("model", result.modelId())
                .put("stopReason", result.stopReason());
        body.set("usage", usage(result.usage()));
        body.put("costUsd", result.costUsd());
        body.put("stored", result.stored());
        return body;
    }

    /** The data of a stream's {@code start} event. */
    ObjectNode streamStart(String conversationId, String title, String modelId) {
        return mapper.createObjectNode()
                .put("conversationId", conversationId)
                .put("title", title)
                .put("model", modelId);
    }

    /** The data of a stream's delta (unnamed) event. */
    ObjectNode streamDelta(String text) {
        return mapper.createObjectNode().put("content", text);
    }

    /** The data of a stream's {@code done} event. */
    ObjectNode streamDone(ChatResult result) {
        ObjectNode done = mapper.createObjectNode()
                .put("conversationId", result.conversationId())
                .put("stopReason", result.stopReason());
        done.set("usage", usage(result.usage()));
        done.put("costUsd", result.costUsd());
        done.put("latencyMs", result.latencyMs());
        done.put("stored", result.stored());
        return done;
    }

    /**
     * {@code GET /api/conversations/{conversationId}}: the conversation and its messages; an answer that stopped
     * mid-way carries {@code partial} and {@code partialReason}. The turn ids kept in storage are not shown.
     */
    ObjectNode conversation(Conversation conversation) {
        ObjectNode body = mapper.createObjectNode()
                .put("conversationId", conversation.conversationId())
                .put("title", conversation.title())
                .put("createdAt", conversation.createdAt())
                .put("updatedAt", conversation.updatedAt());
        ArrayNode messages = body.putArray("messages");
        for (StoredMessage message : conversation.messages()) {
            ObjectNode item = messages.addObject()
                    .put("role", message.role())
                    .put("content", message.content())
                    .put("at", message.at());
            if (message.incomplete()) {
                item.put("partial", true).put("partialReason", message.partialReason());
            }
        }
        return body;
    }

    /** The JSON export: the conversation as {@link #conversation} gives it, and when it was exported. */
    ObjectNode conversationExport(Conversation conversation, String exportedAt) {
        return conversation(conversation).put("exportedAt", exportedAt);
    }

    /** A conversation as listed (also the answer to a rename). */
    ObjectNode summary(ConversationSummary summary) {
        return mapper.createObjectNode()
                .put("id", summary.conversationId())
                .put("title", summary.title())
                .put("createdAt", summary.createdAt())
                .put("updatedAt", summary.updatedAt())
                .put("messageCount", summary.messageCount());
    }

    /** {@code GET /api/conversations}. */
    ObjectNode conversations(ConversationPage page) {
        ObjectNode body = mapper.createObjectNode();
        ArrayNode items = body.putArray("conversations");
        page.conversations().forEach(summary -> items.add(summary(summary)));
        page.nextCursor().ifPresentOrElse(cursor -> body.put("nextCursor", cursor), () -> body.putNull("nextCursor"));
        return body;
    }

    /** {@code DELETE /api/conversations}. */
    ObjectNode deleted(int count) {
        return mapper.createObjectNode().put("deleted", count);
    }

    /** {@code POST /api/keys}: the new key, shown this once. */
    ObjectNode createdKey(CreatedKey key) {
        return mapper.createObjectNode()
                .put("id", key.id())
                .put("name", key.name())
                .put("key", key.key())
                .put("createdAt", key.createdAt());
    }

    /** {@code GET /api/keys}: the live keys, newest first (prefix and dates; never the key or its hash). */
    ObjectNode keys(List<ApiKey> keys) {
        ObjectNode body = mapper.createObjectNode();
        ArrayNode items = body.putArray("keys");
        for (ApiKey key : keys) {
            items.addObject()
                    .put("id", key.id())
                    .put("name", key.name())
                    .put("prefix", key.prefix())
                    .put("createdAt", key.createdAt())
                    .put("lastUsedAt", key.lastUsedAt());
        }
        return body;
    }

    /** The answer to the warm-up event ({@code POST /events}). */
    ObjectNode warmUp(String mode, String version) {
        return mapper.createObjectNode()
                .put("status", "ok")
                .put("warmUp", true)
                .put("mode", mode)
                .put("version", version);
    }

    /** The answer to a SnapStart hook of the Lambda Web Adapter: which one ran, and what it did. */
    ObjectNode snapshotHook(String hook, Map<String, Object> done) {
        ObjectNode body = mapper.createObjectNode().put("status", "ok").put("hook", hook);
        done.forEach((field, value) -> body.set(field, mapper.valueToTree(value)));
        return body;
    }

    /**
     * The error envelope {@code {"error":{"code","reason"?,"message","requestId","retryAfterSeconds"?}}}, as a JSON
     * response or as the data of a stream's {@code error} event. {@code reason} names why a model call failed, or
     * (with 401) which sign-in check did.
     */
    ObjectNode error(Failure failure, String requestId) {
        ObjectNode envelope = mapper.createObjectNode();
        ObjectNode error =
                envelope.putObject("error").put("code", failure.error().code());
        failure.reason().ifPresent(reason -> error.put("reason", reason));
        error.put("message", failure.message()).put("requestId", requestId);
        failure.retryAfterSeconds().ifPresent(seconds -> error.put("retryAfterSeconds", seconds));
        failure.resetsAt().ifPresent(time -> error.put("resetsAt", time));
        return envelope;
    }

    /** An answer's usage: the prompt-cache tokens only when the model reported them. */
    private ObjectNode usage(Usage usage) {
        Usage u = usage == null ? Usage.NONE : usage;
        ObjectNode body =
                mapper.createObjectNode().put("inputTokens", u.inputTokens()).put("outputTokens", u.outputTokens());
        if (u.cacheReadTokens() != null) {
            body.put("cacheReadTokens", u.cacheReadTokens());
        }
        if (u.cacheWriteTokens() != null) {
            body.put("cacheWriteTokens", u.cacheWriteTokens());
        }
        return body;
    }

    /**
     * {@code GET /api/usage}: {@code {"principal":{"kind","name"?},"today":{…},"month":{…},"quota":{"dailyTokens",
     * "dailyUsd","remainingTokens","remainingUsd","resetsAt"}}}, each period as {@code {"inputTokens","outputTokens",
     * "totalTokens","costUsd","requests"}}; a limit that is not set, and what remains of it, are null.
     */
    ObjectNode usageReport(Principal person, Optional<String> name, UsageReport report) {
        ObjectNode body = mapper.createObjectNode();
        ObjectNode principal = body.putObject("principal").put("kind", person.kind());
        name.ifPresent(value -> principal.put("name", value));
        body.set("today", period(report.today()));
        body.set("month", period(report.month()));
        ObjectNode quota = body.putObject("quota");
        if (report.quota().tokens().isPresent()) {
            quota.put("dailyTokens", report.quota().tokens().getAsLong());
        } else {
            quota.putNull("dailyTokens");
        }
        quota.put("dailyUsd", report.quota().usd().orElse(null));
        quota.put("remainingTokens", report.remainingTokens().orElse(null));
        quota.put("remainingUsd", report.remainingUsd().orElse(null));
        quota.put("resetsAt", report.resetsAt().toString());
        return body;
    }

    private ObjectNode period(UsageTotals totals) {
        return mapper.createObjectNode()
                .put("inputTokens", totals.inputTokens())
                .put("outputTokens", totals.outputTokens())
                .put("totalTokens", totals.totalTokens())
                .put("costUsd", totals.costUsd())
                .put("requests", totals.requests());
    }
}
