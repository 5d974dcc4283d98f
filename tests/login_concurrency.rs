//! Discovery across many tenants gives the same result whatever the concurrency: the same
//! stdout and stderr, and a token cache written in the order az's sequential tenant loop
//! writes it, even when the tenants' token grants finish in reverse order.

mod common;

use common::proxy::Proxy;
use common::*;
use serde_json::Value;

/// What one login left behind.
struct Outcome {
    stdout: String,
    stderr: String,
    cache: Value,
}

/// Logs in with `--concurrency n` in a fresh config dir (the env's cloud files copied in),
/// optionally through `proxy`.
async fn login_in_fresh_dir(env: &TestEnv, concurrency: &str, proxy: Option<&Proxy>) -> Outcome {
    let dir = tempfile::tempdir().expect("tempdir");
    for file in ["clouds.config", "config"] {
        std::fs::copy(env.path(file), dir.path().join(file)).expect("copy cloud files");
    }
    let mut cmd = env.command(&[
        "login",
        "-u",
        USER,
        "-p",
        PASSWORD,
        "--concurrency",
        concurrency,
    ]);
    cmd.env("AZURE_CONFIG_DIR", dir.path());
    if let Some(p) = proxy {
        cmd.env("HTTP_PROXY", &p.url);
    }
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .expect("join")
        .expect("azlogin runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "--concurrency {concurrency}: {stderr}"
    );
    let text = std::fs::read_to_string(dir.path().join("msal_token_cache.json")).expect("cache");
    Outcome {
        stdout,
        stderr,
        cache: serde_json::from_str(&text).expect("cache json"),
    }
}

/// Section name → keys, in file order.
fn keys_per_section(cache: &Value) -> Vec<(String, Vec<String>)> {
    cache
        .as_object()
        .expect("cache object")
        .iter()
        .map(|(section, entries)| {
            let keys = entries
                .as_object()
                .expect("section object")
                .keys()
                .cloned()
                .collect();
            (section.clone(), keys)
        })
        .collect()
}

/// The cache with every secret and timestamp replaced, order kept.
fn without_secrets_and_times(cache: &Value) -> Value {
    let mut cache = cache.clone();
    for entries in cache.as_object_mut().expect("cache").values_mut() {
        for entry in entries.as_object_mut().expect("section").values_mut() {
            for (field, value) in entry.as_object_mut().expect("entry").iter_mut() {
                match field.as_str() {
                    "secret" => *value = Value::String("<secret>".into()),
                    "cached_at"
                    | "expires_on"
                    | "extended_expires_on"
                    | "refresh_on"
                    | "last_modification_time" => *value = Value::String("<time>".into()),
                    _ => {}
                }
            }
        }
    }
    cache
}

fn realms(cache: &Value, section: &str) -> Vec<String> {
    cache[section]
        .as_object()
        .expect("section")
        .values()
        .map(|e| e["realm"].as_str().unwrap_or("").to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrency_changes_nothing_but_speed() {
    let scenario = load_scenario("concurrency.json");
    assert_eq!(scenario.latency_ms, 20);
    let tenant_ids: Vec<String> = scenario.tenants.iter().map(|t| t.id.clone()).collect();
    assert_eq!(tenant_ids.len(), 8);
    let mfa: Vec<&str> = scenario
        .tenants
        .iter()
        .filter(|t| t.mfa_required)
        .map(|t| t.id.as_str())
        .collect();
    assert_eq!(mfa.len(), 1);
    let env = TestEnv::with_scenario(scenario.clone()).await;

    let sequential = login_in_fresh_dir(&env, "1", None).await;

    // Eight at once, with the per-tenant token grants answered in reverse tenant order: each
    // is released only after the client acted on the one after it.
    let proxy = Proxy::start(&env.url()).await;
    let ids: Vec<&str> = tenant_ids.iter().map(String::as_str).collect();
    proxy.reverse_tenant_token_grants(&ids);
    let parallel = login_in_fresh_dir(&env, "8", Some(&proxy)).await;
    assert!(
        !proxy.gate_gave_up(),
        "--concurrency 8 did not have all eight tenants' token grants in flight at once"
    );
    let answered: Vec<String> = proxy
        .exchanges()
        .iter()
        .filter_map(|x| {
            let tenant = x
                .path
                .strip_prefix('/')?
                .strip_suffix("/oauth2/v2.0/token")?;
            tenant_ids
                .contains(&tenant.to_string())
                .then(|| tenant.to_string())
        })
        .collect();
    let mut reversed = tenant_ids.clone();
    reversed.reverse();
    assert_eq!(
        answered, reversed,
        "the grants finished in reverse tenant order"
    );

    // The same output, byte for byte (AADSTS trace ids and times aside).
    assert_eq!(parallel.stdout, sequential.stdout);
    assert_eq!(
        normalize_aadsts(&parallel.stderr),
        normalize_aadsts(&sequential.stderr)
    );
    // And the output itself is az's: subscriptions in tenant order, the duplicate kept from
    // the first tenant, the MFA tenant reported.
    let list: Value = serde_json::from_str(&sequential.stdout).expect("json");
    let names: Vec<&str> = list
        .as_array()
        .expect("list")
        .iter()
        .map(|s| s["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        names,
        [
            "Alpha Sub 1",
            "Alpha Sub 2",
            "Bravo Sub 1",
            "Charlie Sub 1",
            "Charlie Sub 2",
            "Charlie Sub 3",
            "Delta Sub 1",
            "Foxtrot Sub 1",
            "Foxtrot Sub 2",
            "Foxtrot Sub 3",
            "Golf Sub 1",
            "Golf Sub 2",
            "Hotel Sub 1",
            "Hotel Sub 2"
        ]
    );
    let charlie = "a0000003-0000-4000-8000-000000000003";
    let echo = "a0000005-0000-4000-8000-000000000005";
    let foxtrot = "a0000006-0000-4000-8000-000000000006";
    assert_eq!(list[4]["tenantId"], charlie);
    assert_eq!(
        normalize_aadsts(&sequential.stderr),
        format!(
            "WARNING: Using authentication with username and password in the command line is strongly discouraged. Consider using one of the recommended authentication methods. For more details, see https://go.microsoft.com/fwlink/?linkid=2276314\n\
             WARNING: Authentication failed against tenant {echo} 'Echo MFA': AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '797f4846-ba00-4fd7-ba43-dac1f8f63013'. Trace ID: <trace> Correlation ID: <corr> Timestamp: <time>\n\
             WARNING: Subscription e0000003-0000-4000-8000-000000000002 'Charlie Sub 2' can be accessed from tenants {charlie}(default) and {foxtrot}. To select a specific tenant when accessing this subscription, use 'az login --tenant TENANT_ID'.\n\
             WARNING: If you need to access subscriptions in the following tenants, please use `az login --tenant TENANT_ID`.\n\
             WARNING: {echo} 'Echo MFA'\n\
             WARNING: Tenant {echo} 'Echo MFA' requires multi-factor authentication. To use its subscriptions, run: azlogin login --tenant {echo}\n"
        )
    );

    // az's loop writes the login's token (realm `organizations`) and then one per tenant, in
    // ARM tenant order; the MFA tenant has none.
    let mut expected_realms = vec!["organizations".to_string()];
    expected_realms.extend(
        tenant_ids
            .iter()
            .filter(|t| !mfa.contains(&t.as_str()))
            .cloned(),
    );
    for (outcome, concurrency) in [(&sequential, 1), (&parallel, 8)] {
        for section in ["AccessToken", "IdToken"] {
            assert_eq!(
                realms(&outcome.cache, section),
                expected_realms,
                "{section} realms with --concurrency {concurrency}"
            );
        }
    }

    // The same cache: the same keys in the same order in every section, and the same entries
    // once secrets and times are set aside.
    assert_eq!(
        keys_per_section(&parallel.cache),
        keys_per_section(&sequential.cache)
    );
    assert_eq!(
        without_secrets_and_times(&parallel.cache),
        without_secrets_and_times(&sequential.cache)
    );
}
