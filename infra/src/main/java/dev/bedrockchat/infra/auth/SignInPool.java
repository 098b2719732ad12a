package dev.bedrockchat.infra.auth;

import dev.bedrockchat.infra.config.EnvironmentConfig.Federation;
import dev.bedrockchat.infra.config.EnvironmentConfig.Mfa;
import dev.bedrockchat.infra.config.EnvironmentConfig.OidcFederation;
import dev.bedrockchat.infra.config.EnvironmentConfig.SamlFederation;
import dev.bedrockchat.infra.nag.Acknowledge;
import java.util.List;
import java.util.Optional;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.SecretValue;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cognito.AccountRecovery;
import software.amazon.awscdk.services.cognito.AttributeMapping;
import software.amazon.awscdk.services.cognito.AutoVerifiedAttrs;
import software.amazon.awscdk.services.cognito.CognitoDomainOptions;
import software.amazon.awscdk.services.cognito.FeaturePlan;
import software.amazon.awscdk.services.cognito.ManagedLoginVersion;
import software.amazon.awscdk.services.cognito.MfaSecondFactor;
import software.amazon.awscdk.services.cognito.OidcAttributeRequestMethod;
import software.amazon.awscdk.services.cognito.PasswordPolicy;
import software.amazon.awscdk.services.cognito.ProviderAttribute;
import software.amazon.awscdk.services.cognito.SignInAliases;
import software.amazon.awscdk.services.cognito.StandardAttribute;
import software.amazon.awscdk.services.cognito.StandardAttributes;
import software.amazon.awscdk.services.cognito.UserPool;
import software.amazon.awscdk.services.cognito.UserPoolDomain;
import software.amazon.awscdk.services.cognito.UserPoolIdentityProviderOidc;
import software.amazon.awscdk.services.cognito.UserPoolIdentityProviderSaml;
import software.amazon.awscdk.services.cognito.UserPoolIdentityProviderSamlMetadata;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * The people who may chat: a Cognito user pool (sign-in by e-mail address, no self sign-up unless configured, a
 * password of at least {@value #MIN_PASSWORD_LENGTH} characters with all four character classes, MFA with an
 * authenticator app as configured), its managed login domain, and optionally one federated identity provider.
 *
 * <p>The pool lives in the backend stack, where the API's authorizer needs it; the page's app client needs the
 * CloudFront domain and so lives in the web stack ({@link PageSignInClient}). The managed login addresses are built
 * from the configured domain prefix rather than read from the domain resource, so the web stack and the function
 * take plain strings and no export pins the prefix.
 */
public final class SignInPool extends Construct {
    public static final int MIN_PASSWORD_LENGTH = 12;
    /** The scopes the page asks for and the app client allows. */
    public static final List<String> SCOPES = List.of("openid", "email", "profile");
    /** The SAML claims of the e-mail address and the display name (the WS-Federation names most providers send). */
    public static final String SAML_EMAIL_CLAIM = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress";

    public static final String SAML_NAME_CLAIM = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name";

    /**
     * @param environmentName    the deployment's name ({@code dev}, or {@code dev-alice} for a private copy), which
     *                           names the pool ({@code chat-dev-alice})
     * @param selfSignUp         whether anyone may create an account on the managed login page
     * @param mfa                multi-factor authentication
     * @param domainPrefix       the managed login domain's prefix
     * @param federation         an identity provider to sign in with, if any
     * @param deletionProtection whether CloudFormation (and anyone) is refused the pool's deletion
     * @param removalPolicy      what happens to the pool when it leaves the stack
     */
    public record Props(
            String environmentName,
            boolean selfSignUp,
            Mfa mfa,
            String domainPrefix,
            Optional<Federation> federation,
            boolean deletionProtection,
            RemovalPolicy removalPolicy) {}

    private final UserPool userPool;
    private final String loginUrl;
    private final Optional<IConstruct> federatedProvider;
    private final Optional<String> federatedProviderName;

    public SignInPool(Construct scope, String id, Props props) {
        super(scope, id);
        UserPool.Builder builder = UserPool.Builder.create(this, "UserPool")
                .userPoolName("chat-" + props.environmentName())
                .featurePlan(FeaturePlan.ESSENTIALS)
                .selfSignUpEnabled(props.selfSignUp())
                .signInAliases(SignInAliases.builder().email(true).build())
                .signInCaseSensitive(false)
                .autoVerify(AutoVerifiedAttrs.builder().email(true).build())
                .standardAttributes(StandardAttributes.builder()
                        .email(StandardAttribute.builder()
                                .required(true)
                                .mutable(true)
                                .build())
                        .build())
                .passwordPolicy(PasswordPolicy.builder()
                        .minLength(MIN_PASSWORD_LENGTH)
                        .requireLowercase(true)
                        .requireUppercase(true)
                        .requireDigits(true)
                        .requireSymbols(true)
                        .tempPasswordValidity(Duration.days(7))
                        .build())
                .accountRecovery(AccountRecovery.EMAIL_ONLY)
                .deletionProtection(props.deletionProtection())
                .removalPolicy(props.removalPolicy())
                .mfa(
                        switch (props.mfa()) {
                            case OFF -> software.amazon.awscdk.services.cognito.Mfa.OFF;
                            case OPTIONAL -> software.amazon.awscdk.services.cognito.Mfa.OPTIONAL;
                            case REQUIRED -> software.amazon.awscdk.services.cognito.Mfa.REQUIRED;
                        });
        if (props.mfa() != Mfa.OFF) {
            // An authenticator app: SMS needs a role and an origination identity, e-mail MFA needs SES.
            builder.mfaSecondFactor(
                    MfaSecondFactor.builder().otp(true).sms(false).email(false).build());
        }
        userPool = builder.build();

        UserPoolDomain.Builder.create(this, "Domain")
                .userPool(userPool)
                .cognitoDomain(CognitoDomainOptions.builder()
                        .domainPrefix(props.domainPrefix())
                        .build())
                .managedLoginVersion(ManagedLoginVersion.NEWER_MANAGED_LOGIN)
                .build();
        loginUrl = "https://" + props.domainPrefix() + ".auth." + Stack.of(this).getRegion() + ".amazoncognito.com";

        federatedProvider = props.federation().map(this::federatedProvider);
        federatedProviderName = props.federation().map(Federation::name);

        Acknowledge.rule(
                userPool,
                "AwsSolutions-COG8",
                "The Essentials feature plan: threat protection (the Plus plan) is billed per monthly active user on"
                        + " top; the pool has no self sign-up unless configured, a 12-character password policy with"
                        + " all four classes and MFA as configured, and the stage throttles every caller");
        if (props.mfa() != Mfa.REQUIRED) {
            Acknowledge.rule(
                    userPool,
                    "AwsSolutions-COG2",
                    "MFA is " + props.mfa().value() + " in this environment's auth.mfa setting (required in"
                            + " production); passwords must have 12 characters of all four classes");
        }
    }

    private IConstruct federatedProvider(Federation federation) {
        return switch (federation) {
            case OidcFederation oidc ->
                UserPoolIdentityProviderOidc.Builder.create(this, "OidcProvider")
                        .userPool(userPool)
                        .name(oidc.name())
                        .issuerUrl(oidc.issuer())
                        .clientId(oidc.clientId())
                        // A dynamic reference: CloudFormation reads the secret at deploy time, the template holds
                        // only {{resolve:secretsmanager:<name>:SecretString:::}}.
                        .clientSecret(SecretValue.secretsManager(oidc.clientSecretName())
                                .unsafeUnwrap())
                        .scopes(SCOPES)
                        .attributeRequestMethod(OidcAttributeRequestMethod.GET)
                        .attributeMapping(AttributeMapping.builder()
                                .email(ProviderAttribute.other("email"))
                                .fullname(ProviderAttribute.other("name"))
                                .build())
                        .build();
            case SamlFederation saml ->
                UserPoolIdentityProviderSaml.Builder.create(this, "SamlProvider")
                        .userPool(userPool)
                        .name(saml.name())
                        .metadata(UserPoolIdentityProviderSamlMetadata.url(saml.metadataUrl()))
                        .attributeMapping(AttributeMapping.builder()
                                .email(ProviderAttribute.other(SAML_EMAIL_CLAIM))
                                .fullname(ProviderAttribute.other(SAML_NAME_CLAIM))
                                .build())
                        .build();
        };
    }

    public UserPool userPool() {
        return userPool;
    }

    /** The issuer of the pool's tokens: {@code https://cognito-idp.<region>.amazonaws.com/<pool id>}. */
    public String issuer() {
        return "https://cognito-idp." + Stack.of(this).getRegion() + ".amazonaws.com/" + userPool.getUserPoolId();
    }

    /** The managed login domain: {@code https://<prefix>.auth.<region>.amazoncognito.com}. */
    public String loginUrl() {
        return loginUrl;
    }

    public String authorizationEndpoint() {
        return loginUrl + "/oauth2/authorize";
    }

    public String tokenEndpoint() {
        return loginUrl + "/oauth2/token";
    }

    /** Cognito's logout endpoint, which takes {@code client_id} and {@code logout_uri}. */
    public String logoutEndpoint() {
        return loginUrl + "/logout";
    }

    /** The federated identity provider, which the app client must be created after. */
    public Optional<IConstruct> federatedProvider() {
        return federatedProvider;
    }

    public Optional<String> federatedProviderName() {
        return federatedProviderName;
    }
}
