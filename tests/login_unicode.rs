//! Non-ASCII names: `azureProfile.json` is ASCII-escaped as Python's `json.dump` writes it,
//! while az's JSON output (`ensure_ascii=False`) shows the characters themselves.

mod common;

use common::*;

const TENANT: &str = "77777777-7777-4777-8777-777777777777";
const SUB: &str = "c0000007-0000-4000-8000-000000000001";
const NAME: &str = "Café 日本 😀";
const TENANT_NAME: &str = "Café 日本 😀 Tenant";

#[tokio::test(flavor = "multi_thread")]
async fn profile_is_ascii_escaped_and_output_is_not() {
    let scenario = load_scenario("unicode.json");
    assert_eq!(scenario.tenants[0].subscriptions[0].display_name, NAME);
    let env = TestEnv::with_scenario(scenario).await;
    let login = env.login_password().await;
    assert!(
        login.stdout.contains(&format!("\"name\": \"{NAME}\"")),
        "{login:?}"
    );
    assert!(
        login
            .stdout
            .contains(&format!("\"tenantDisplayName\": \"{TENANT_NAME}\"")),
        "{login:?}"
    );

    let bytes = env.read("azureProfile.json");
    assert!(
        bytes.starts_with(b"\xef\xbb\xbf{\"subscriptions\": [{"),
        "BOM, then json.dump's layout"
    );
    assert!(
        bytes[3..].is_ascii(),
        "ensure_ascii: every byte after the BOM is ASCII"
    );
    let text = String::from_utf8(bytes).expect("utf8");
    // Python: json.dump(..., ensure_ascii=True) writes lower-case \uXXXX escapes and a UTF-16
    // surrogate pair for characters beyond the BMP.
    let escaped_name = r"Caf\u00e9 \u65e5\u672c \ud83d\ude00";
    let entry = format!(
        "{{\"id\": \"{SUB}\", \"name\": \"{escaped_name}\", \"state\": \"Enabled\", \
         \"user\": {{\"name\": \"{USER}\", \"type\": \"user\"}}, \"isDefault\": true, \
         \"tenantId\": \"{TENANT}\", \"environmentName\": \"{CLOUD}\", \"homeTenantId\": \"{TENANT}\", \
         \"tenantDefaultDomain\": \"cafe.example\", \"tenantDisplayName\": \"{escaped_name} Tenant\", \
         \"managedByTenants\": []}}"
    );
    assert!(
        text.starts_with(&format!(
            "\u{feff}{{\"subscriptions\": [{entry}], \"installationId\": \""
        )),
        "{text}"
    );
    // It reads back as the same names.
    let profile = env.read_json("azureProfile.json");
    assert_eq!(profile["subscriptions"][0]["name"], NAME);
    assert_eq!(
        profile["subscriptions"][0]["tenantDisplayName"],
        TENANT_NAME
    );

    let list = env.run(&["account", "list"]).await.ok();
    assert!(
        list.stdout
            .contains(&format!("    \"name\": \"{NAME}\",\n")),
        "{list:?}"
    );
    assert!(
        !list.stdout.contains("\\u"),
        "no escapes in az's output: {list:?}"
    );
    assert_eq!(list.json()[0]["name"], NAME);
    let show = env.run(&["account", "show"]).await.ok();
    assert!(
        show.stdout
            .contains(&format!("  \"tenantDisplayName\": \"{TENANT_NAME}\",\n")),
        "{show:?}"
    );
    let tsv = env
        .run(&["account", "list", "--query", "[].name", "-o", "tsv"])
        .await
        .ok();
    assert_eq!(tsv.stdout, format!("{NAME}\n"));
}
