//! Replays every input the fuzzers found a problem with (`fuzz/regressions/<target>/*`, kept
//! after the fix) through the same checks the fuzz targets run (`fuzz/checks.rs`), plus each
//! target's seeds, so a fixed finding stays fixed without nightly or cargo-fuzz.

#[path = "../fuzz/checks.rs"]
mod checks;

use std::path::Path;

fn inputs(folder: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_kept_fuzz_input_passes_its_checks() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut replayed = 0;
    for (target, check) in checks::TARGETS {
        for folder in ["regressions", "seeds"] {
            for path in inputs(&fuzz.join(folder).join(target)) {
                let data = std::fs::read(&path).expect("read");
                let outcome = std::panic::catch_unwind(|| check(&data));
                assert!(outcome.is_ok(), "{target}: {} fails again", path.display());
                replayed += 1;
            }
        }
    }
    assert!(replayed >= 9, "the kept inputs went missing: {replayed}");
    println!("{replayed} kept fuzz inputs replayed");
}

/// Inputs of each kind that parse reach the properties each check asserts (round trips, the
/// state rule), not only the early returns.
#[test]
fn valid_inputs_reach_each_checked_property() {
    // A loopback POST with this login's state ends it; one with another state must not.
    let form = |state: &str| {
        let body = format!("code=abc&state={state}");
        format!(
            "POST / HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
    };
    checks::loopback_redirect(form("AAAAAAAAAAAAAAAAAAAAAA").as_bytes());
    checks::loopback_redirect(form("someone-elses-state").as_bytes());
    // Inputs that parse run through the round trips.
    checks::profile(b"\xef\xbb\xbf{\"subscriptions\": [{\"id\": \"a\"}]}");
    checks::token_cache(b"{\"AccessToken\": {\"k\": {\"secret\": \"x\"}}}");
    checks::ini(b"[a]\nk = v\n  continued\n\n[b]\n");
    checks::token_response(b"\x00\xc8{\"access_token\": \"x\"}");
    checks::jwt_client_info(b"eyJ1aWQiOiJ1IiwidXRpZCI6InQifQ");
    // An ARM page read with 200 and 401 (first byte 1), and an ARM error read with 200 and 403.
    checks::arm_page(b"\x01{\"value\": [{\"id\": \"/tenants/t1\", \"subscriptionId\": \"s1\"}]}");
    checks::arm_page(b"\x02{\"error\": {\"code\": \"Denied\", \"message\": \"No.\"}}");
}
