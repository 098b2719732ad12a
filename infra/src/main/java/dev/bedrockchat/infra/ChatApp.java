package dev.bedrockchat.infra;

import software.amazon.awscdk.App;

/** The CDK app. */
public final class ChatApp {
    private ChatApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        app.synth();
    }
}
