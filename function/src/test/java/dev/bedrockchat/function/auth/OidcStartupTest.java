package dev.bedrockchat.function.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.bedrockchat.function.Config;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.testing.OidcProviderStub;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A provider that cannot be used stops the start with a configuration error that names OIDC_ISSUER, the address and
 * what is wrong (the function does not start and then fail each request): the local server prints it and exits 2, a
 * Lambda init fails with it.
 */
class OidcStartupTest {
    private OidcProviderStub provider;

    @BeforeEach
    void start() {
        provider = OidcProviderStub.start();
    }

    @AfterEach
    void stop() {
        provider.close();
    }

    private Map<String, String> oidc(String issuer) {
        return Map.of(
                "CHAT_MODE",
                "offline",
                "AUTH_MODE",
                "oidc",
                "OIDC_ISSUER",
                issuer,
                "OIDC_CLIENT_ID",
                OidcProviderStub.CLIENT_ID);
    }

    private String startupError() {
        try (TestApp app = TestApp.start(oidc(provider.issuer()))) {
            throw new AssertionError("started although the provider cannot be used: " + app.port());
        } catch (Config.ConfigException e) {
            return e.getMessage();
        }
    }

    private String discovery() {
        return provider.issuer() + "/.well-known/openid-configuration";
    }

    @Test
    void aProviderThatIsNotRunning() throws IOException {
        int closed;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        String issuer = "http://127.0.0.1:" + closed + "/realms/chat";

        assertThatThrownBy(() -> TestApp.start(oidc(issuer)))
                .isInstanceOf(Config.ConfigException.class)
                .hasMessage("OIDC_ISSUER: the discovery document at " + issuer
                        + "/.well-known/openid-configuration could not be reached (the connection was refused or timed "
                        + "out); check OIDC_ISSUER and that the provider is running");
    }

    @Test
    void noDiscoveryDocument() {
        provider.answerDiscovery(404, "not here");

        assertThat(startupError())
                .isEqualTo("OIDC_ISSUER: the discovery document at " + discovery()
                        + " answered HTTP 404 instead of 200; check OIDC_ISSUER and that the provider is running");
    }

    @Test
    void aDiscoveryDocumentThatIsNotJson() {
        provider.answerDiscovery(200, "<html>login</html>");

        assertThat(startupError()).contains(discovery() + " is not a JSON object");
    }

    @Test
    void aDiscoveryDocumentOfAnotherIssuer() {
        provider.answerDiscovery(
                200, provider.discoveryDocument().replace(provider.issuer() + "\",", "https://elsewhere.example\","));

        assertThat(startupError())
                .isEqualTo("OIDC_ISSUER is '" + provider.issuer() + "' but the discovery document at " + discovery()
                        + " names the issuer 'https://elsewhere.example': set OIDC_ISSUER to the provider's issuer "
                        + "exactly (tokens are checked against it)");
    }

    @Test
    void aTrailingSlashIsNotTheSameIssuer() {
        assertThatThrownBy(() -> TestApp.start(oidc(provider.issuer() + "/")))
                .isInstanceOf(Config.ConfigException.class)
                .hasMessageContaining("OIDC_ISSUER is '" + provider.issuer() + "/' but the discovery document")
                .hasMessageContaining("names the issuer '" + provider.issuer() + "'");
    }

    @Test
    void noKeySetAddress() {
        provider.answerDiscovery(200, "{\"issuer\":\"" + provider.issuer() + "\"}");

        assertThat(startupError())
                .isEqualTo("OIDC_ISSUER: the discovery document at " + discovery()
                        + " has no jwks_uri (the provider's keys)");
    }

    @Test
    void aKeySetAddressOverPlainHttpElsewhere() {
        provider.answerDiscovery(
                200,
                provider.discoveryDocument().replace(provider.keySetUri().toString(), "http://keys.example/certs"));

        assertThat(startupError())
                .isEqualTo("OIDC_ISSUER: the discovery document at " + discovery()
                        + " gives jwks_uri as \"http://keys.example/certs\", which is not an https:// address "
                        + "(http:// is accepted on localhost only)");
    }

    @Test
    void aProviderThatDoesNotSignWithRs256() {
        provider.answerDiscovery(200, provider.discoveryDocument().replace("[\"RS256\"]", "[\"ES256\",\"PS256\"]"));

        assertThat(startupError()).contains("does not sign ID tokens with RS256");
    }

    @Test
    void aKeySetThatCannotBeFetched() {
        provider.answerKeySet(500, "oops");

        assertThat(startupError())
                .isEqualTo("OIDC_ISSUER: the provider's key set at " + provider.keySetUri()
                        + " answered HTTP 500 instead of 200");
    }

    @Test
    void aKeySetWithoutAUsableKey() throws JOSEException {
        String weakRsa = new RSAKeyGenerator(1024, true)
                .keyID("weak")
                .generate()
                .toPublicJWK()
                .toJSONString();
        String ec = new ECKeyGenerator(Curve.P_256)
                .keyID("ec")
                .generate()
                .toPublicJWK()
                .toJSONString();
        String encryption =
                OidcProviderStub.newKey().toPublicJWK().toJSONString().replace("{", "{\"use\":\"enc\",");
        provider.answerKeySet(200, "{\"keys\":[" + weakRsa + "," + ec + "," + encryption + "]}");

        assertThat(startupError())
                .isEqualTo("OIDC_ISSUER: the provider's key set at " + provider.keySetUri()
                        + " holds no RSA signing key for RS256 of 2048 bits or more");
    }

    @Test
    void anIssuerOverPlainHttpElsewhereIsRefusedBeforeAnyCall() {
        assertThatThrownBy(() -> TestApp.start(oidc("http://login.example.com/realms/chat")))
                .isInstanceOf(Config.ConfigException.class)
                .hasMessageStartingWith("OIDC_ISSUER must be an https:// URL");
        assertThat(provider.discoveryRequests()).isZero();
    }
}
