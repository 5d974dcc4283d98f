use serde_json::json;

use super::*;
use crate::login_input::ParsedLogin;

fn usage(result: crate::Result<impl std::fmt::Debug>) -> String {
    let err = result.expect_err("usage error");
    assert_eq!(err.code(), "usage_error", "{err}");
    err.to_string()
}

#[test]
fn closest_is_case_insensitive_then_by_edit_distance() {
    assert_eq!(closest("tenantID", LOGIN_KEYS), Some("tenantId"));
    assert_eq!(closest("scop", LOGIN_KEYS), Some("scope"));
    assert_eq!(closest("onDeviceCod", LOGIN_KEYS), Some("onDeviceCode"));
    assert_eq!(closest("zzzzzzzz", LOGIN_KEYS), None);
}

#[test]
fn unknown_keys_are_named_with_the_closest_known_one() {
    let text = usage(LoginOptions::from_json(
        &json!({ "username": "u", "password": "p", "tenantID": "t" }),
    ));
    assert_eq!(text, "Unknown option `tenantID`: did you mean `tenantId`?");
    let text = usage(LoginOptions::from_json(
        &json!({ "servicePrincipal": { "clientId": "a", "secert": "s" } }),
    ));
    assert_eq!(
        text,
        "Unknown option `secert` in `servicePrincipal`: did you mean `secret`?"
    );
    let text = usage(LoginOptions::from_json(
        &json!({ "managedIdentity": { "id": "x" } }),
    ));
    assert!(
        text.starts_with("Unknown option `id` in `managedIdentity`"),
        "{text}"
    );
    let text = usage(TokenOptions::from_json(&json!({ "scopez": "x" })));
    assert_eq!(text, "Unknown option `scopez`: did you mean `scopes`?");
    let text = usage(DeviceCodeOptions::from_json(
        &json!({ "cloud": { "loginEndpont": "x" } }),
        DEVICE_CODE_KEYS,
    ));
    assert_eq!(
        text,
        "Unknown option `loginEndpont` in `cloud`: did you mean `loginEndpoint`?"
    );
}

#[test]
fn aliases_are_accepted_and_must_agree() {
    let o = LoginOptions::from_json(&json!({ "tenantId": "t", "username": "u", "password": "p" }))
        .expect("reads");
    assert_eq!(o.input.tenant.as_deref(), Some("t"));
    let text = usage(LoginOptions::from_json(
        &json!({ "tenant": "a", "tenantId": "b" }),
    ));
    assert!(text.contains("`tenant` and `tenantId`"), "{text}");
    let same = LoginOptions::from_json(&json!({ "tenant": "a", "tenantId": "a" })).expect("reads");
    assert_eq!(same.input.tenant.as_deref(), Some("a"));
    let t = TokenOptions::from_json(&json!({ "scope": "https://graph.example/.default" }))
        .expect("reads");
    assert_eq!(
        t.scopes,
        Some(vec!["https://graph.example/.default".to_string()])
    );
    usage(TokenOptions::from_json(
        &json!({ "scope": "a", "scopes": ["b"] }),
    ));
}

#[test]
fn node_login_options_meet_az_rules() {
    let guid = "c0000001-0000-4000-8000-000000000001";
    let cases = [
        (
            json!({ "username": "u", "password": "p", "skipSubscriptionDiscovery": true }),
            crate::login_input::SKIP_WITHOUT_TENANT,
        ),
        (
            json!({ "username": "u", "password": "p", "tenant": "t", "skipSubscriptionDiscovery": true, "subscription": "Contoso Dev" }),
            crate::login_input::SKIP_WITH_SUBSCRIPTION_NAME,
        ),
        (
            json!({ "useDeviceCode": true, "username": "u", "password": "p" }),
            crate::login_input::DEVICE_CODE_WITH_OTHERS,
        ),
        (
            json!({ "method": "deviceCode", "username": "u", "password": "p" }),
            crate::login_input::DEVICE_CODE_WITH_OTHERS,
        ),
        (
            json!({ "tenant": "t", "managedIdentity": {} }),
            crate::login_input::IDENTITY_WITH_OTHERS,
        ),
        (
            json!({ "managedIdentity": {}, "username": "u" }),
            crate::login_input::IDENTITY_WITH_USERNAME,
        ),
        (
            json!({ "servicePrincipal": { "secret": "s" } }),
            crate::login_input::SERVICE_PRINCIPAL_USAGE,
        ),
        (
            json!({ "servicePrincipal": { "clientId": "a" } }),
            crate::login_input::PASSWORD_NOT_GIVEN,
        ),
        (
            json!({ "username": "u" }),
            crate::login_input::PASSWORD_NOT_GIVEN,
        ),
        (
            json!({ "method": "password", "username": "u" }),
            crate::login_input::PASSWORD_NOT_GIVEN,
        ),
    ];
    for (options, text) in cases {
        let parsed = LoginOptions::from_json(&options).and_then(|o| o.input.parse());
        assert_eq!(usage(parsed), text, "{options}");
    }
    let ok = LoginOptions::from_json(
        &json!({ "tenant": "t", "skipSubscriptionDiscovery": true, "subscription": guid }),
    )
    .and_then(|o| o.input.parse())
    .expect("parses");
    assert!(matches!(ok, ParsedLogin::User(_)));
    let two = usage(LoginOptions::from_json(
        &json!({ "servicePrincipal": { "clientId": "a", "secret": "s", "federatedToken": "t" } }),
    ));
    assert!(two.contains("exactly one"), "{two}");
}

#[test]
fn authority_is_login_endpoint_plus_tenant() {
    assert_eq!(
        parse_authority("https://login.microsoftonline.com/organizations").expect("parses"),
        (
            "https://login.microsoftonline.com".to_string(),
            Some("organizations".to_string())
        )
    );
    assert_eq!(
        parse_authority("http://127.0.0.1:4000/contoso.example/").expect("parses"),
        (
            "http://127.0.0.1:4000".to_string(),
            Some("contoso.example".to_string())
        )
    );
    assert_eq!(
        parse_authority("https://adfs.contoso.example/adfs")
            .expect("parses")
            .1,
        None
    );
    usage(parse_authority("https://login.microsoftonline.com"));
    usage(parse_authority("not a url"));
}

#[test]
fn device_code_options_send_to_the_authority_given() {
    let o = DeviceCodeOptions::from_json(
        &json!({ "authority": "http://127.0.0.1:4000/organizations" }),
        &device_code_flow_keys(),
    )
    .expect("reads");
    let (ctx, scopes) = o.token_context().expect("context");
    assert_eq!(
        ctx.authority.token_endpoint(),
        "http://127.0.0.1:4000/organizations/oauth2/v2.0/token"
    );
    assert_eq!(scopes, ["https://management.core.windows.net//.default"]);
    assert_eq!(ctx.claims.as_deref(), Some(crate::oauth::CP1_CLAIMS));
    let host = DeviceCodeOptions::from_json(
        &json!({ "authorityHost": "http://127.0.0.1:4000", "tenantId": "t", "claims": "" }),
        DEVICE_CODE_KEYS,
    )
    .expect("reads");
    let (ctx, _) = host.token_context().expect("context");
    assert_eq!(ctx.authority.realm(), "t");
    assert_eq!(ctx.claims, None);
    usage(DeviceCodeOptions::from_json(
        &json!({ "authority": "http://127.0.0.1:4000/organizations", "loginEndpoint": "https://login.microsoftonline.com" }),
        DEVICE_CODE_KEYS,
    ));
    usage(DeviceCodeOptions::from_json(
        &json!({ "authority": "http://127.0.0.1:4000/a", "tenant": "b" }),
        DEVICE_CODE_KEYS,
    ));
}

#[test]
fn client_credential_needs_exactly_one_and_never_echoes_it() {
    let text = usage(ClientCredentialOptions::from_json(
        &json!({ "tenant": "t", "clientId": "a", "secret": "hunter2", "federatedToken": "tok" }),
    ));
    assert!(!text.contains("hunter2"), "{text}");
    let text = usage(ClientCredentialOptions::from_json(
        &json!({ "tenant": "t", "clientId": "a", "secret": 42 }),
    ));
    assert_eq!(text, "`secret` must be a string");
    let ok = ClientCredentialOptions::from_json(
        &json!({ "tenantId": "t", "clientId": "a", "certificate": { "pem": "PEM", "useCertSnIssuer": true } }),
    )
    .expect("reads");
    assert!(matches!(
        ok.credential,
        ClientCredentialInput::Certificate { send_x5c: true, .. }
    ));
}

#[test]
fn a_page_runs_device_code_and_secret_logins_only() {
    let ok = browser_login(&json!({ "tenantId": "t", "useDeviceCode": true })).expect("parses");
    assert_eq!(ok["kind"], "deviceCode");
    assert_eq!(ok["tenant"], "t");
    let app = browser_login(
        &json!({ "servicePrincipal": { "clientId": "a", "secret": "s" }, "tenant": "t" }),
    )
    .expect("parses");
    assert_eq!(app["kind"], "servicePrincipal");
    assert!(!app.to_string().contains("\"s\""), "{app}");
    for refused in [
        json!({ "method": "browser" }),
        json!({ "username": "u", "password": "p" }),
        json!({ "managedIdentity": {} }),
        json!({ "servicePrincipal": { "clientId": "a", "certificate": "/c.pem" } }),
    ] {
        assert!(usage(browser_login(&refused)).contains("cannot run in a browser"));
    }
    assert_eq!(
        usage(browser_login(
            &json!({ "username": "u", "password": "p", "skipSubscriptionDiscovery": true })
        )),
        crate::login_input::SKIP_WITHOUT_TENANT
    );
}
