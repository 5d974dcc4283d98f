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

fn owner() -> EntryOwner {
    EntryOwner::new("user@contoso.example", UserType::User, "FakeCloud")
}

fn entry(id: &str, name: &str, state: &str) -> Subscription {
    Subscription::discovered(
        arm(id, name, state),
        &std::sync::Arc::new(contoso()),
        SubscriptionSource::TenantLoop,
        &owner(),
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
    let t = Subscription::tenant_level("t1", &EntryOwner::new("u", UserType::User, "AzureCloud"));
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

/// Entries as az writes them (typed inside) and in shapes azlogin does not write itself (kept as
/// read): each is written back byte for byte, reads the same through the accessors, and prints
/// the same output JSON as its tree.
#[test]
fn every_entry_shape_is_written_back_byte_for_byte() {
    let user = r#""user": {"name": "u@contoso.example", "type": "user"}"#;
    let common = format!(
        r#""id": "s1", "name": "Caf\u00e9 \"Prod\"", "state": "Enabled", {user}, "isDefault": true, "tenantId": "t1", "environmentName": "AzureCloud""#
    );
    let shapes = [
        // az's tenant loop entry, its --tenant entry, a tenant-level account.
        format!(
            r#"{{{common}, "homeTenantId": "t1", "tenantDefaultDomain": "contoso.example", "tenantDisplayName": "Contoso", "managedByTenants": [{{"tenantId": "m1"}}, {{"tenantId": "m2"}}]}}"#
        ),
        format!(r#"{{{common}, "homeTenantId": null, "managedByTenants": []}}"#),
        format!(r#"{{{common}}}"#),
        format!(
            r#"{{{common}, "homeTenantId": "t1", "tenantDefaultDomain": null, "tenantDisplayName": null, "managedByTenants": null}}"#
        ),
        format!(r#"{{"id": "s1", "name": null, "state": null, {user}, "isDefault": false, "tenantId": "t1", "environmentName": "AzureCloud"}}"#),
        // Shapes kept as read: an unknown key, another order, a managed identity's user, a
        // display name without its domain, a number where az writes a string.
        format!(r#"{{{common}, "homeTenantId": "t1", "futureKey": {{"a": [1, 2.5]}}}}"#),
        format!(
            r#"{{"name": "N", "id": "s1", "state": "Enabled", {user}, "isDefault": false, "tenantId": "t1", "environmentName": "AzureCloud"}}"#
        ),
        r#"{"id": "s1", "name": "N", "state": "Enabled", "user": {"name": "systemAssignedIdentity", "type": "servicePrincipal", "assignedIdentityInfo": "MSI"}, "isDefault": true, "tenantId": "t1", "environmentName": "AzureCloud"}"#.to_string(),
        format!(r#"{{{common}, "tenantDisplayName": "Contoso"}}"#),
        format!(r#"{{{common}, "managedByTenants": [{{"tenantId": 7}}]}}"#),
        r#"{"id": "s1", "name": "N", "state": "Enabled", "user": {"name": "u", "type": "robot"}, "isDefault": 1, "tenantId": "t1", "environmentName": "AzureCloud"}"#.to_string(),
    ];
    for (i, shape) in shapes.iter().enumerate() {
        let file =
            format!("\u{feff}{{\"subscriptions\": [{shape}, {shape}], \"installationId\": \"i\"}}");
        let profile = Profile::parse(file.as_bytes()).expect("parses");
        assert_eq!(
            String::from_utf8(profile.to_bytes()).expect("utf8"),
            file,
            "written back as read"
        );
        let tree: Value = serde_json::from_str(shape).expect("json");
        let entry = &profile.subscriptions()[0];
        assert_eq!(entry.is_typed(), i < 5, "{shape}");
        assert_eq!(entry.to_json(), tree, "{shape}");
        let mut output = tree.as_object().cloned().expect("object");
        let cloud = output.shift_remove("environmentName").expect("cloud");
        output.insert("cloudName".into(), cloud);
        assert_eq!(entry.to_output_json(), Value::Object(output.clone()));
        assert_eq!(entry.clone().into_output_json(), Value::Object(output));
        assert_eq!(entry.id(), tree["id"].as_str().unwrap_or_default());
        assert_eq!(entry.name(), tree["name"].as_str());
        assert_eq!(entry.state(), tree["state"].as_str());
        assert_eq!(entry.tenant_id(), Some("t1"));
        assert_eq!(entry.environment_name(), Some("AzureCloud"));
        assert_eq!(entry.user_name(), tree["user"]["name"].as_str());
        assert_eq!(entry.user_type(), tree["user"]["type"].as_str());
        assert_eq!(
            entry.assigned_identity_info(),
            tree["user"]["assignedIdentityInfo"].as_str()
        );
        assert_eq!(
            entry.tenant_display_name(),
            tree.get("tenantDisplayName").and_then(Value::as_str)
        );
        assert_eq!(entry.is_default(), tree["isDefault"] == Value::Bool(true));
        // Every style writes the entry as it writes its tree.
        for style in [
            PyJsonStyle::PROFILE,
            PyJsonStyle::TOKEN_CACHE,
            PyJsonStyle::OUTPUT,
        ] {
            let mut text = String::new();
            pyjson::WritePyJson::write_py_json(entry, &mut text, style, 1);
            let mut expected = String::new();
            pyjson::WritePyJson::write_py_json(&tree, &mut expected, style, 1);
            assert_eq!(text, expected, "{style:?}: {shape}");
        }
    }
}

#[test]
fn setting_the_default_keeps_every_shape_in_place() {
    let typed = entry("a", "A", "Enabled");
    let mut kept = typed.to_json();
    kept["extra"] = Value::Bool(true);
    let kept = Subscription::from_json(kept).expect("entry");
    for mut e in [typed, kept] {
        e.set_default(true);
        assert!(e.is_default());
        let keys: Vec<String> = e
            .to_json()
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        assert_eq!(keys[4], "isDefault");
        e.set_default(false);
        assert!(!e.is_default());
    }
}

#[test]
fn appended_entries_come_back_in_order_and_duplicates_replace() {
    let old = vec![entry("a", "A", "Enabled")];
    let login = vec![
        entry("c", "C", "Enabled"),
        entry("d", "D", "Enabled"),
        entry("c", "C2", "Enabled"),
    ];
    let mut p = Profile::new();
    p.merge_owned(old, None);
    let (_, positions) = p.merge_owned(login[..2].to_vec(), None);
    assert_eq!(positions, [1, 2]);
    let back = p.clone().into_entries_at(&positions);
    let ids: Vec<&str> = back.iter().map(Subscription::id).collect();
    assert_eq!(ids, ["c", "d"], "the appended tail");
    let (_, positions) = p.merge_owned(login, None);
    assert_eq!(positions, [1, 2, 1], "the second c replaces the first");
    let names: Vec<Option<&str>> = p.subscriptions().iter().map(Subscription::name).collect();
    assert_eq!(names, [Some("A"), Some("C2"), Some("D")]);
}
