package dev.bedrockchat.function;

/** Starts the chat function as a plain web server (the local run, and the process behind the Lambda Web Adapter). */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.out.println("placeholder");
    }
}
