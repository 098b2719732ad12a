package dev.bedrockchat.infra.stacks;

import static dev.bedrockchat.infra.support.Cfn.only;
import static dev.bedrockchat.infra.support.Cfn.properties;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bedrockchat.infra.auth.SignInPool;
import dev.bedrockchat.infra.support.Synthesized;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

/** A federated identity provider of the user pool, OpenID Connect or SAML, offered on the page's app client. */
class FederationTest {

    @Test
    void anOidcProviderTakesItsClientSecretFromSecretsManagerByReference() {
        Synthesized app = Synthesized.variant(
                "federation:oidc",
                "prod",
                prod -> prod.put(
                        "auth",
                        Map.of(
                                "mode",
                                "oidc",
                                "federation",
                                Map.of(
                                        "type", "oidc",
                                        "name", "Corporate",
                                        "issuer", "https://login.example.com/tenant",
                                        "clientId", "chat-client-1",
                                        "clientSecretName", "chat/idp-client-secret"))));
        Template backend = app.backend();
        String pool = backend.getResourceId("AWS::Cognito::UserPool");

        Map<String, Object> provider =
                properties(only(backend.findResources("AWS::Cognito::UserPoolIdentityProvider")));
        assertThat(provider)
                .containsEntry("ProviderName", "Corporate")
                .containsEntry("ProviderType", "OIDC")
                .containsEntry("UserPoolId", Map.of("Ref", pool))
                .containsEntry(
                        "ProviderDetails",
                        Map.of(
                                "client_id", "chat-client-1",
                                // Resolved by CloudFormation at deploy time: the template holds the name alone.
                                "client_secret", "{{resolve:secretsmanager:chat/idp-client-secret:SecretString:::}}",
                                "authorize_scopes", "openid email profile",
                                "attributes_request_method", "GET",
                                "oidc_issuer", "https://login.example.com/tenant"))
                .containsEntry("AttributeMapping", Map.of("email", "email", "name", "name"));
        assertThat(clientProviders(app)).containsExactly("COGNITO", "Corporate");
        // The client names the provider, which the backend stack creates first.
        assertThat(app.stacks().web().getDependencies()).contains(app.stacks().backend());
    }

    @Test
    void aSamlProviderReadsItsMetadataFromItsAddressAndMapsTheEmailClaim() {
        Synthesized app = Synthesized.variant(
                "federation:saml",
                "prod",
                prod -> prod.put(
                        "auth",
                        Map.of(
                                "mode",
                                "oidc",
                                "federation",
                                Map.of(
                                        "type", "saml",
                                        "name", "Workforce",
                                        "metadataUrl", "https://idp.example.com/saml/metadata.xml"))));

        Map<String, Object> provider =
                properties(only(app.backend().findResources("AWS::Cognito::UserPoolIdentityProvider")));
        assertThat(provider)
                .containsEntry("ProviderName", "Workforce")
                .containsEntry("ProviderType", "SAML")
                .containsEntry(
                        "ProviderDetails",
                        Map.of("MetadataURL", "https://idp.example.com/saml/metadata.xml", "IDPSignout", false))
                .containsEntry(
                        "AttributeMapping",
                        Map.of("email", SignInPool.SAML_EMAIL_CLAIM, "name", SignInPool.SAML_NAME_CLAIM));
        assertThat(clientProviders(app)).containsExactly("COGNITO", "Workforce");
    }

    @Test
    void withoutFederationThePoolHasNoOtherProvider() {
        Synthesized prod = Synthesized.environment("prod");
        prod.backend().resourceCountIs("AWS::Cognito::UserPoolIdentityProvider", 0);
        assertThat(clientProviders(prod)).containsExactly("COGNITO");
    }

    @SuppressWarnings("unchecked")
    private static List<String> clientProviders(Synthesized app) {
        return (List<String>) properties(only(app.web().findResources("AWS::Cognito::UserPoolClient")))
                .get("SupportedIdentityProviders");
    }
}
