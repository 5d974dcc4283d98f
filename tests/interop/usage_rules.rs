//! az's `login` argument rules: each case, run by az and by azlogin, prints the same error and
//! exits 1, and neither sends a request (tenants are GUIDs, so az does not resolve a domain).

use crate::harness::*;

#[test]
fn usage_errors_match_az() {
    let Some(az) = interop() else { return };
    let emu = Emu::start();
    let side = Side::new(az, &emu);
    side.register_cloud(Tool::Az, &emu);
    let pair = Pair::split(side);
    // The flow tests' list, and a managed identity named twice (az's own check, later).
    let twice: &[&str] = &["--identity", "--client-id", "a", "--object-id", "b"];
    let cases = crate::common::usage_rules::AZ_LOGIN_RULES
        .iter()
        .map(|(line, _)| *line)
        .chain([twice]);
    let before = emu.emulator.request_log().len();
    for line in cases {
        let mut args = vec!["login"];
        args.extend_from_slice(line);
        let run = pair.same(&args, Compare::Exact);
        assert_eq!(run.code, 1, "{args:?}: {run:?}");
        assert!(run.stderr.contains("ERROR: "), "{args:?}: {run:?}");
    }
    assert_eq!(emu.emulator.request_log().len(), before, "no request");
}
