use super::*;
use crate::arm::{ArmSubscription, Tenant};

const GOLDEN: &[u8] = include_bytes!("../../tests/golden/az-password-login/azureProfile.json");

fn contoso() -> Tenant {
    Tenant {
        tenant_id: "11111111-1111-4111-8111-111111111111".into(),
        display_name: Some("Contoso".into()),
        default_domain: Some("contoso.example".into()),
    }
}

fn arm(id: &str, name: &str, state: &str) -> ArmSubscription {
    ArmSubscription {
        subscription_id: id.into(),
        display_name: Some(name.into()),
        state: Some(state.into()),
        tenant_id: Some("11111111-1111-4111-8111-111111111111".into()),
        managed_by_tenants: Some(vec![]),
    }
}

fn entry(id: &str, name: &str, state: &str) -> Subscription {
    let t = contoso();
    Subscription::discovered(
        &arm(id, name, state),
        &t.tenant_id,
        SubscriptionSource::TenantLoop(&t),
        "user@contoso.example",
        UserType::User,
        "FakeCloud",
    )
}

#[test]
fn replaying_az_login_gives_az_profile_bytes() {
    let mut p = Profile::parse(
        "\u{feff}{\"installationId\": \"0a1b2c3d-0000-4000-8000-00000000fa4e\"}".as_bytes(),
    )
    .expect("parses");
    let mut new = vec![
        entry(
            "c0000001-0000-4000-8000-000000000001",
            "Contoso Production",
            "Enabled",
        ),
        entry(
            "c0000001-0000-4000-8000-000000000002",
            "Contoso Dev",
            "Enabled",
        ),
    ];
    assert_eq!(
        p.merge(&mut new, None).as_deref(),
        Some("c0000001-0000-4000-8000-000000000001")
    );
    assert_eq!(p.to_bytes(), GOLDEN);
    assert!(
        new[0].is_default() && !new[1].is_default(),
        "the login's own entries show the new default"
    );
}

#[test]
fn round_trip_is_byte_identical_and_bom_is_optional() {
    let p = Profile::parse(GOLDEN).expect("parses");
    assert_eq!(p.to_bytes(), GOLDEN);
    let without_bom = &GOLDEN[3..];
    assert_eq!(
        Profile::parse(without_bom).expect("parses").to_bytes(),
        GOLDEN
    );
    assert_eq!(Profile::new().to_bytes(), "\u{feff}{}".as_bytes());
    for bad in [
        &b"["[..],
        b"[]",
        b"{\"subscriptions\": {}}",
        b"{\"subscriptions\": [1]}",
        b"\xff",
    ] {
        assert!(Profile::parse(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn fresh_profile_puts_subscriptions_before_installation_id() {
    let mut p = Profile::new();
    let mut new = vec![entry("s1", "Café 日本", "Enabled")];
    p.merge(&mut new, None);
    p.ensure_installation_id(|| "iid".into());
    let text = String::from_utf8(p.to_bytes()).expect("utf8");
    assert!(
        text.starts_with(
            "\u{feff}{\"subscriptions\": [{\"id\": \"s1\", \"name\": \"Caf\\u00e9 \\u65e5\\u672c\""
        ),
        "{text}"
    );
    assert!(text.ends_with("\"installationId\": \"iid\"}"), "{text}");
}

#[test]
fn default_rule_preferred_then_previous_then_enabled_then_first() {
    // 1. The --subscription match wins.
    let mut p = Profile::new();
    let mut new = vec![entry("a", "A", "Enabled"), entry("b", "B", "Enabled")];
    assert_eq!(p.merge(&mut new, Some("B")).as_deref(), Some("b"));
    // 2. The previous default, when rediscovered.
    let mut again = vec![entry("a", "A", "Enabled"), entry("b", "B", "Enabled")];
    assert_eq!(p.merge(&mut again, None).as_deref(), Some("b"));
    // 3. Else the first Enabled new entry.
    let mut other = vec![entry("c", "C", "Disabled"), entry("d", "D", "Enabled")];
    assert_eq!(p.merge(&mut other, None).as_deref(), Some("d"));
    // 4. Else the first new entry.
    let mut disabled = vec![entry("e", "E", "Disabled"), entry("f", "F", "Warned")];
    assert_eq!(p.merge(&mut disabled, None).as_deref(), Some("e"));
    assert_eq!(
        p.subscriptions().iter().filter(|s| s.is_default()).count(),
        1
    );
    let ids: Vec<&str> = p.subscriptions().iter().map(Subscription::id).collect();
    assert_eq!(
        ids,
        ["a", "b", "c", "d", "e", "f"],
        "same id replaced in place, new ones appended"
    );
}

#[test]
fn merge_replaces_in_place_and_logout_removes_by_user() {
    let mut p = Profile::new();
    let mut first = vec![entry("a", "Old", "Enabled"), entry("b", "B", "Enabled")];
    p.merge(&mut first, None);
    let mut second = vec![entry("a", "New", "Enabled")];
    p.merge(&mut second, None);
    assert_eq!(p.subscriptions()[0].name(), Some("New"));
    assert_eq!(p.subscriptions().len(), 2);
    assert_eq!(p.remove_user("USER@contoso.example"), 2);
    assert!(p.subscriptions().is_empty());
    p.clear();
    assert_eq!(p.to_bytes(), "\u{feff}{\"subscriptions\": []}".as_bytes());
}

#[test]
fn tenant_level_accounts_have_seven_keys_and_output_renames_the_cloud() {
    let t = Subscription::tenant_level("t1", "u", UserType::User, "AzureCloud");
    let v = t.to_json();
    let keys: Vec<&String> = v
        .as_object()
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    assert_eq!(
        keys,
        [
            "id",
            "name",
            "state",
            "user",
            "isDefault",
            "tenantId",
            "environmentName"
        ]
    );
    let out = t.to_output_json();
    assert_eq!(out["cloudName"], "AzureCloud");
    assert!(out.get("environmentName").is_none());
}

#[test]
fn merging_by_value_gives_the_same_profile_and_the_login_entries_back() {
    let old = vec![entry("a", "A", "Enabled"), entry("b", "B", "Enabled")];
    let login = vec![entry("c", "C", "Enabled"), entry("b", "B2", "Enabled")];
    let mut by_ref = Profile::new();
    by_ref.merge(&mut old.clone(), None);
    let mut by_value = by_ref.clone();
    let mut expected = login.clone();
    assert_eq!(by_ref.merge(&mut expected, Some("b")).as_deref(), Some("b"));
    let (default_id, positions) = by_value.merge_owned(login, Some("b"));
    assert_eq!(default_id.as_deref(), Some("b"));
    assert_eq!(positions, [2, 1]);
    assert_eq!(by_value.to_bytes(), by_ref.to_bytes());
    assert_eq!(by_value.into_entries_at(&positions), expected);
}
