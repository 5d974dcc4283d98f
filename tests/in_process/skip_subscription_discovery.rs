//! `--skip-subscription-discovery` (with and without `--subscription`) and `--subscription` at
//! login: how many ARM calls, which entries, az's warnings and errors.

use crate::harness::*;

/// A subscription id no tenant has.
const UNKNOWN: &str = "deadbeef-0000-4000-8000-000000000000";

/// How many ARM requests of each kind the emulator answered: tenant lists, subscription lists,
/// single-subscription GETs.
fn arm_calls(env: &InProcess) -> (usize, usize, usize) {
    let log = env.requests();
    let count = |pred: &dyn Fn(&str) -> bool| log.iter().filter(|p| pred(p)).count();
    (
        count(&|p| p == "/tenants"),
        count(&|p| p == "/subscriptions"),
        count(&|p| p.starts_with("/subscriptions/")),
    )
}

#[tokio::test]
async fn bare_skip_makes_a_tenant_level_account_without_arm() {
    let env = InProcess::start();
    let (outcome, _) = env
        .login_password(|r| {
            r.tenant = Some(CONTOSO.into());
            r.skip_subscription_discovery = true;
        })
        .await;
    let outcome = succeeded(outcome);
    assert_eq!(ids(&outcome), [CONTOSO]);
    assert_eq!(
        outcome.subscriptions[0].name(),
        Some("N/A(tenant level account)")
    );
    assert!(outcome.subscriptions[0].is_default());
    assert_eq!(arm_calls(&env), (0, 0, 0), "no ARM call at all");
    assert_eq!(env.profile_entries()[0]["id"], CONTOSO);
}

#[tokio::test]
async fn skip_with_a_subscription_makes_one_get() {
    let env = InProcess::start();
    let (outcome, _) = env
        .login_password(|r| {
            r.tenant = Some(CONTOSO.into());
            r.skip_subscription_discovery = true;
            r.subscription = Some(CONTOSO_PRODUCTION.into());
        })
        .await;
    let outcome = succeeded(outcome);
    assert_eq!(ids(&outcome), [CONTOSO_PRODUCTION]);
    assert_eq!(outcome.subscriptions[0].name(), Some("Contoso Production"));
    assert_eq!(outcome.subscriptions[0].tenant_id(), Some(CONTOSO));
    assert_eq!(arm_calls(&env), (0, 0, 1), "exactly one GET");
}

#[tokio::test]
async fn skip_with_an_unknown_subscription_fails_or_keeps_the_tenant() {
    let env = InProcess::start();
    let (outcome, events) = env
        .login_password(|r| {
            r.tenant = Some(CONTOSO.into());
            r.skip_subscription_discovery = true;
            r.subscription = Some(UNKNOWN.into());
        })
        .await;
    let err = failed(outcome);
    assert_eq!(err.code(), "not_found");
    assert_eq!(
        err.to_string(),
        format!(
            "The subscription '{UNKNOWN}' could not be retrieved for '{USER}'. Ensure the subscription exists and that you have access to it."
        )
    );
    let warnings = events.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with(&format!("Failed to retrieve subscription {UNKNOWN}: ")),
        "{warnings:?}"
    );
    assert!(!env.exists("azureProfile.json"));

    let (outcome, events) = env
        .login_password(|r| {
            r.tenant = Some(CONTOSO.into());
            r.skip_subscription_discovery = true;
            r.subscription = Some(UNKNOWN.into());
            r.allow_no_subscriptions = true;
        })
        .await;
    let outcome = succeeded(outcome);
    assert_eq!(
        events.warnings().last().map(String::as_str),
        Some(
            format!("Subscription '{UNKNOWN}' not found. Profile has tenant-level account only.")
                .as_str()
        )
    );
    assert_eq!(ids(&outcome), [CONTOSO]);
    assert_eq!(
        outcome.subscriptions[0].name(),
        Some("N/A(tenant level account)")
    );
}

#[tokio::test]
async fn subscription_picks_the_default_and_filters_the_outcome() {
    let env = InProcess::start();
    let (outcome, _) = env
        .login_password(|r| r.subscription = Some("CONTOSO DEV".into()))
        .await;
    let outcome = succeeded(outcome);
    assert_eq!(ids(&outcome), [CONTOSO_DEV]);
    assert!(outcome.subscriptions[0].is_default());
    let defaults: Vec<_> = env
        .profile_entries()
        .into_iter()
        .filter(|e| e["isDefault"] == true)
        .collect();
    assert_eq!(defaults.len(), 1);
    assert_eq!(defaults[0]["name"], "Contoso Dev");

    let (outcome, _) = env
        .login_password(|r| r.subscription = Some("nope".into()))
        .await;
    let err = failed(outcome);
    assert_eq!(
        err.to_string(),
        "Subscription 'nope' not found. Check the ID or name and try again."
    );
}
