use super::*;

const GUID: &str = "c0000001-0000-4000-8000-000000000001";

fn user(username: &str) -> LoginInput {
    LoginInput {
        username: Some(username.into()),
        password: Some(Password::new("p".to_string())),
        ..LoginInput::default()
    }
}

/// One input per az rule, in az's order, with az's text.
pub fn az_rule_cases() -> Vec<(&'static str, LoginInput, &'static str)> {
    vec![
        (
            "identity with a tenant",
            LoginInput {
                identity: true,
                tenant: Some("t".into()),
                ..LoginInput::default()
            },
            IDENTITY_WITH_OTHERS,
        ),
        (
            "identity with a password",
            LoginInput {
                identity: true,
                password: Some(Password::new("p".to_string())),
                ..LoginInput::default()
            },
            IDENTITY_WITH_OTHERS,
        ),
        (
            "identity with a service principal",
            LoginInput {
                identity: true,
                service_principal: true,
                username: Some("app".into()),
                ..LoginInput::default()
            },
            IDENTITY_WITH_OTHERS,
        ),
        (
            "identity with a username",
            LoginInput {
                identity: true,
                username: Some("u".into()),
                ..LoginInput::default()
            },
            IDENTITY_WITH_USERNAME,
        ),
        (
            "device code with a username and password",
            LoginInput {
                method: Some(UserMethod::DeviceCode),
                ..user("u")
            },
            DEVICE_CODE_WITH_OTHERS,
        ),
        (
            "device code with a service principal",
            LoginInput {
                method: Some(UserMethod::DeviceCode),
                service_principal: true,
                username: Some("app".into()),
                ..LoginInput::default()
            },
            DEVICE_CODE_WITH_OTHERS,
        ),
        (
            "device code with an identity",
            LoginInput {
                method: Some(UserMethod::DeviceCode),
                identity: true,
                ..LoginInput::default()
            },
            DEVICE_CODE_WITH_OTHERS,
        ),
        (
            "sn issuer without a service principal",
            LoginInput {
                use_cert_sn_issuer: true,
                ..LoginInput::default()
            },
            SN_ISSUER_WITHOUT_SERVICE_PRINCIPAL,
        ),
        (
            "a service principal without a username",
            LoginInput {
                service_principal: true,
                password: Some(Password::new("s".to_string())),
                ..LoginInput::default()
            },
            SERVICE_PRINCIPAL_USAGE,
        ),
        (
            "skip without a tenant",
            LoginInput {
                skip_subscription_discovery: true,
                ..user("u")
            },
            SKIP_WITHOUT_TENANT,
        ),
        (
            "skip with a subscription name",
            LoginInput {
                skip_subscription_discovery: true,
                tenant: Some("t".into()),
                subscription: Some("Contoso Dev".into()),
                ..user("u")
            },
            SKIP_WITH_SUBSCRIPTION_NAME,
        ),
        (
            "a username without a password",
            LoginInput {
                password: None,
                ..user("u")
            },
            PASSWORD_NOT_GIVEN,
        ),
        (
            "a service principal without a credential",
            LoginInput {
                service_principal: true,
                username: Some("app".into()),
                ..LoginInput::default()
            },
            PASSWORD_NOT_GIVEN,
        ),
    ]
}

#[test]
fn every_az_rule_is_a_usage_error_with_az_text() {
    for (name, input, text) in az_rule_cases() {
        let err = input.parse().expect_err(name);
        assert_eq!(err.code(), "usage_error", "{name}");
        assert_eq!(err.to_string(), text, "{name}");
    }
}

#[test]
fn rules_come_in_az_order() {
    // Identity, a username and device code at once: the first rule's text.
    let input = LoginInput {
        identity: true,
        tenant: Some("t".into()),
        username: Some("u".into()),
        method: Some(UserMethod::DeviceCode),
        ..LoginInput::default()
    };
    assert_eq!(
        input.parse().expect_err("usage error").to_string(),
        IDENTITY_WITH_OTHERS
    );
    // Skip without a tenant comes before the password rule.
    let input = LoginInput {
        skip_subscription_discovery: true,
        password: None,
        ..user("u")
    };
    assert_eq!(
        input.parse().expect_err("usage error").to_string(),
        SKIP_WITHOUT_TENANT
    );
}

#[test]
fn managed_identity_ids_are_checked_after_az_rules() {
    let input = LoginInput {
        identity: true,
        identity_client_id: Some("a".into()),
        identity_object_id: Some("b".into()),
        ..LoginInput::default()
    };
    let err = input.parse().expect_err("usage error");
    assert_eq!(err.code(), "usage_error");
    assert!(err.to_string().contains("Provide only one of"), "{err}");
    let input = LoginInput {
        identity: true,
        identity_resource_id: Some("/r".into()),
        allow_no_subscriptions: true,
        ..LoginInput::default()
    };
    match input.parse().expect("parses") {
        ParsedLogin::ManagedIdentity(mi) => {
            assert_eq!(mi.id(), &ManagedIdentityId::ResourceId("/r".into()));
            assert!(mi.allow_no_subscriptions());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn service_principal_credential_is_picked_as_az_picks_it() {
    let sp = |password: Option<&str>, certificate: Option<&str>, token: Option<&str>| {
        let input = LoginInput {
            service_principal: true,
            username: Some("app".into()),
            password: password.map(|p| Password::new(p.to_string())),
            certificate: certificate.map(Into::into),
            federated_token: token.map(|t| ClientAssertion::new(t.to_string())),
            use_cert_sn_issuer: true,
            ..LoginInput::default()
        };
        match input.parse().expect("parses") {
            ParsedLogin::ServicePrincipal(app) => app,
            other => panic!("{other:?}"),
        }
    };
    assert!(matches!(
        sp(Some("s"), Some("c.pem"), Some("t")).credential(),
        StoredCredential::Secret(_)
    ));
    assert!(matches!(
        sp(None, Some("c.pem"), Some("t")).credential(),
        StoredCredential::Certificate { send_x5c: true, .. }
    ));
    let app = sp(None, None, Some("t"));
    assert!(matches!(app.credential(), StoredCredential::Assertion(_)));
    assert!(app.cert_sn_issuer_auth());
    assert_eq!(app.client_id(), "app");
}

#[test]
fn the_prompt_supplies_a_missing_password_after_the_checks() {
    let checked = LoginInput {
        password: None,
        ..user("u")
    }
    .check()
    .expect("checks");
    assert!(checked.warns_about_password());
    assert!(checked.needs_password());
    let mut asked = 0;
    let mut ask = || {
        asked += 1;
        Ok(Password::new("typed".to_string()))
    };
    let parsed = checked.finish(Some(&mut ask)).expect("parses");
    assert_eq!(asked, 1);
    match parsed {
        ParsedLogin::User(u) => match u.flow() {
            UserFlow::Password { username, password } => {
                assert_eq!(username, "u");
                assert_eq!(password.secret(), "typed");
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

#[test]
fn discovery_target_follows_tenant_skip_and_subscription() {
    let parse = |tenant: Option<&str>, subscription: Option<&str>, skip: bool| {
        let input = LoginInput {
            tenant: tenant.map(Into::into),
            subscription: subscription.map(Into::into),
            skip_subscription_discovery: skip,
            ..user("u")
        };
        match input.parse().expect("parses") {
            ParsedLogin::User(u) => u.target().clone(),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(
        parse(None, Some("Dev"), false),
        DiscoveryTarget::AllTenants {
            subscription: Some("Dev".into())
        }
    );
    assert_eq!(
        parse(Some("t"), None, true),
        DiscoveryTarget::TenantLevelOnly { tenant: "t".into() }
    );
    let one = parse(Some("t"), Some(GUID), true);
    assert!(one.skips_discovery());
    assert_eq!(
        one.into_parts(),
        (Some("t".into()), Some(GUID.into()), true)
    );
}

#[test]
fn methods_other_than_az_have_rules_of_their_own() {
    let cases = [
        (
            LoginInput {
                method: Some(UserMethod::Browser),
                ..user("u")
            },
            BROWSER_WITH_CREDENTIALS,
        ),
        (
            LoginInput {
                method: Some(UserMethod::Password),
                ..LoginInput::default()
            },
            PASSWORD_WITHOUT_USERNAME,
        ),
        (
            LoginInput {
                method: Some(UserMethod::Password),
                identity: true,
                ..LoginInput::default()
            },
            METHOD_FOR_USERS,
        ),
    ];
    for (input, text) in cases {
        assert_eq!(input.parse().expect_err("usage error").to_string(), text);
    }
    let interactive = |default| {
        let input = LoginInput {
            interactive_default: default,
            ..LoginInput::default()
        };
        match input.parse().expect("parses") {
            ParsedLogin::User(u) => matches!(u.flow(), UserFlow::DeviceCode),
            other => panic!("{other:?}"),
        }
    };
    assert!(!interactive(InteractiveDefault::Browser));
    assert!(interactive(InteractiveDefault::DeviceCode));
    assert!(UserMethod::from_name("devicecode").is_err());
}
