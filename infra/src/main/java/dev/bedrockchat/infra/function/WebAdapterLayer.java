package dev.bedrockchat.infra.function;

import software.amazon.awscdk.services.lambda.Architecture;

/** The public Lambda Web Adapter layer (github.com/awslabs/aws-lambda-web-adapter), published in every Region. */
public final class WebAdapterLayer {
    /** The AWS account that publishes the layer in the commercial Regions. */
    public static final String PUBLISHER_ACCOUNT = "753240598075";

    private WebAdapterLayer() {}

    /** The layer's ARN, e.g. {@code arn:aws:lambda:us-east-1:753240598075:layer:LambdaAdapterLayerArm64:26}. */
    public static String arn(String region, Architecture architecture, int version) {
        String name = Architecture.ARM_64.getName().equals(architecture.getName())
                ? "LambdaAdapterLayerArm64"
                : "LambdaAdapterLayerX86";
        return "arn:aws:lambda:" + region + ":" + PUBLISHER_ACCOUNT + ":layer:" + name + ":" + version;
    }
}
