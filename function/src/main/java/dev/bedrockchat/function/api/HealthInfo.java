package dev.bedrockchat.function.api;

import java.util.Optional;

/**
 * What the health endpoint reports. {@code bedrockEndpoint} is set when Bedrock calls go to an endpoint override
 * (AWS_ENDPOINT_URL_BEDROCK_RUNTIME), such as a local stand-in: the page shows it, so nobody mistakes it for Amazon
 * Bedrock itself. {@code auth} is the sign-in mode ({@code none}, {@code token}, {@code oidc}).
 */
public record HealthInfo(
        String mode,
        String model,
        String region,
        String storage,
        String version,
        Optional<String> bedrockEndpoint,
        String auth) {}
