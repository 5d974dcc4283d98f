//! Both at once: 4 az and 4 azlogin workers, each running 50 `account get-access-token` calls in a
//! row on one config dir holding two accounts (one logged in by az, one by azlogin). The scenario
//! issues access tokens that live 290 s, inside the 5-minute margin in which MSAL and azlogin
//! treat a cached token as expired, so every call really goes through the refresh-token grant
//! and rewrites the cache. Afterwards the cache parses, each account still has its one refresh
//! token, every kind of entry has as many entries as before, and no azlogin call failed.
//!
//! az itself is not safe here: msal-extensions reads the cache without the lock and az writes it
//! by truncating in place, so an az call that reads while another az call writes can see an
//! empty cache and fail with "User '…' does not exist in MSAL token cache" (the empty read came
//! first, when az looked for the account) or "Can't find token from MSAL cache." (it came second,
//! when az looked for the refresh token). Such az failures are counted and printed, and allowed
//! only with exactly those messages (README: "Known differences from az"); azlogin writes by atomic rename and re-reads an empty or torn file under the lock,
//! so it neither causes nor suffers them.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use azlogin::emulator::Scenario;

use crate::harness::*;

const WORKERS_PER_TOOL: usize = 4;
const CALLS: usize = 50;
const NORTHWIND_USER: &str = "ops@northwind.example";
const NORTHWIND_PASSWORD: &str = "N0rthwind!";
/// (subscription, its tenant): one per account.
const TARGETS: [(&str, &str); 2] = [
    ("c0000001-0000-4000-8000-000000000001", CONTOSO),
    (
        "c0000004-0000-4000-8000-000000000001",
        "44444444-4444-4444-8444-444444444444",
    ),
];

/// What one worker saw.
#[derive(Default)]
struct Tally {
    failures: Vec<String>,
    busy: Duration,
}

#[test]
fn az_and_azlogin_refreshing_at_once_lose_nothing() {
    let Some(az) = interop() else { return };
    let scenario = Scenario::from_file(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/concurrency.json"),
    )
    .expect("scenario");
    let emu = Emu::with_scenario(scenario);
    let side = Side::new(az, &emu);
    side.register_cloud(Tool::Az, &emu);
    side.az(&["login", "-u", USER, "-p", PASSWORD]).ok();
    side.azlogin(&["login", "-u", NORTHWIND_USER, "-p", NORTHWIND_PASSWORD])
        .ok();
    let accounts = side.az(&["account", "list"]).ok().json();
    assert_eq!(accounts.as_array().map(Vec::len), Some(2), "{accounts}");

    let before = side.read_json("msal_token_cache.json");
    let counts_before = entry_counts(&before);
    let grants_before = emu.grants("refresh_token");

    let workers: Vec<(usize, Tool)> = (0..2 * WORKERS_PER_TOOL)
        .map(|i| (i, if i % 2 == 0 { Tool::Az } else { Tool::Azlogin }))
        .collect();
    let started = Instant::now();
    let tallies = parallel(&workers, |&(i, tool)| {
        let mut tally = Tally::default();
        for n in 0..CALLS {
            let (subscription, tenant) = TARGETS[(i + n) % 2];
            let t = Instant::now();
            let run = side.run(
                tool,
                &[
                    "account",
                    "get-access-token",
                    "--subscription",
                    subscription,
                ],
            );
            tally.busy += t.elapsed();
            let answer: Option<serde_json::Value> = serde_json::from_str(&run.stdout).ok();
            let good = run.code == 0
                && answer.as_ref().is_some_and(|v| {
                    v["tenant"] == tenant
                        && v["accessToken"].as_str().is_some_and(|t| !t.is_empty())
                        && v["expires_on"].as_u64().is_some_and(|e| e > now())
                });
            if !good {
                tally.failures.push(format!(
                    "{tool:?} worker {i} call {n}: exit {} stderr {}",
                    run.code, run.stderr
                ));
            }
        }
        tally
    });
    let elapsed = started.elapsed();
    let refreshes = emu.grants("refresh_token") - grants_before;

    let after = side.read_json("msal_token_cache.json");
    let counts_after = entry_counts(&after);
    let per_tool = |tool: Tool| {
        let busy: Duration = workers
            .iter()
            .zip(&tallies)
            .filter(|((_, t), _)| *t == tool)
            .map(|(_, tally)| tally.busy)
            .sum();
        busy / (WORKERS_PER_TOOL * CALLS) as u32
    };
    println!(
        "concurrency: {} workers ({WORKERS_PER_TOOL} az, {WORKERS_PER_TOOL} azlogin) x {CALLS} \
         get-access-token calls = {} calls in {:.1} s (mean per call: az {:.0} ms, azlogin {:.0} ms); \
         refresh-token grants answered: {refreshes}; failures: {}",
        workers.len(),
        workers.len() * CALLS,
        elapsed.as_secs_f64(),
        per_tool(Tool::Az).as_secs_f64() * 1000.0,
        per_tool(Tool::Azlogin).as_secs_f64() * 1000.0,
        tallies.iter().map(|t| t.failures.len()).sum::<usize>(),
    );
    println!(
        "concurrency: cache entries per kind before {counts_before:?}, after {counts_after:?}"
    );

    // azlogin never fails; az fails only with its own torn-read symptom.
    let az_race = |f: &str| {
        f.starts_with("Az ")
            && (f.contains("does not exist in MSAL token cache. Run `az login`.")
                || f.contains("ERROR: Can't find token from MSAL cache."))
            && f.matches("ERROR").count() == 1
    };
    let failures: Vec<&String> = tallies.iter().flat_map(|t| &t.failures).collect();
    let az_races = failures.iter().filter(|f| az_race(f)).count();
    println!(
        "concurrency: az calls that read a cache another az was rewriting (az's own race): {az_races}"
    );
    let unexplained: Vec<_> = failures.iter().filter(|f| !az_race(f)).collect();
    assert!(unexplained.is_empty(), "failed calls: {unexplained:#?}");
    assert_eq!(
        refreshes + az_races,
        workers.len() * CALLS,
        "every successful call used the refresh-token grant exactly once"
    );
    // MSAL deletes access tokens that expired while it searched: on a slow machine the
    // login's `organizations` ones (never refreshed here) may go. Nothing else may.
    let expired_and_gone: Vec<&String> = before["AccessToken"]
        .as_object()
        .expect("AccessToken section")
        .iter()
        .filter(|(key, e)| {
            after["AccessToken"].get(key.as_str()).is_none()
                && e["expires_on"]
                    .as_str()
                    .and_then(|v| v.parse::<u64>().ok())
                    .is_some_and(|t| t < now())
        })
        .map(|(key, _)| key)
        .collect();
    let expected: Vec<(String, usize)> = counts_before
        .iter()
        .map(|(kind, n)| match kind.as_str() {
            "AccessToken" => (kind.clone(), n - expired_and_gone.len()),
            _ => (kind.clone(), *n),
        })
        .collect();
    assert_eq!(counts_after, expected, "entries lost or duplicated");

    // Each account's one refresh token is there, under its first key, rotated by the run.
    let refresh_tokens = |cache: &serde_json::Value| -> BTreeMap<String, String> {
        cache["RefreshToken"]
            .as_object()
            .expect("RefreshToken section")
            .values()
            .map(|e| {
                (
                    e["home_account_id"]
                        .as_str()
                        .expect("home_account_id")
                        .to_string(),
                    e["secret"].as_str().expect("secret").to_string(),
                )
            })
            .collect()
    };
    let (rts_before, rts_after) = (refresh_tokens(&before), refresh_tokens(&after));
    assert_eq!(rts_before.len(), 2, "two accounts");
    assert_eq!(
        rts_after.keys().collect::<Vec<_>>(),
        rts_before.keys().collect::<Vec<_>>(),
        "every account keeps its refresh token"
    );
    assert!(
        rts_after.iter().all(|(k, v)| rts_before[k] != *v),
        "the refresh tokens were rotated in place"
    );
    let accounts: Vec<_> = after["Account"]
        .as_object()
        .expect("Account section")
        .values()
        .map(|a| a["username"].clone())
        .collect();
    assert_eq!(accounts.len(), 2, "{accounts:?}");

    // Both tools still read the dir, list both accounts, and agree.
    let by_az = side.az(&["account", "list"]).ok().json();
    let by_azlogin = side.azlogin(&["account", "list"]).ok().json();
    assert_eq!(by_az, by_azlogin);
    let listed: Vec<_> = by_az
        .as_array()
        .expect("a list")
        .iter()
        .map(|s| s["user"]["name"].clone())
        .collect();
    for user in &accounts {
        assert!(listed.contains(user), "{user} is listed");
    }
}
