//! az's `login` argument rules: each case, run by az and by azlogin, prints the same error and
//! exits 1, and neither sends a request (tenants are GUIDs, so az does not resolve a domain).

use crate::common::CONTOSO;
use crate::harness::*;

#[test]
fn usage_errors_match_az() {
    let Some(az) = interop() else { return };
    let emu = Emu::start();
    let side = Side::new(az, &emu);
    side.register_cloud(Tool::Az, &emu);
    let pair = Pair::split(side);
    let cases: &[&[&str]] = &[
        &["--identity", "-t", CONTOSO],
        &["--identity", "-p", "x"],
        &["--identity", "-u", "x"],
        &["--use-device-code", "-u", "u", "-p", "p"],
        &["--use-device-code", "--identity"],
        &["--use-cert-sn-issuer", "-u", "u", "-p", "p"],
        &["--service-principal", "-p", "s", "-t", CONTOSO],
        &["-u", "u", "-p", "p", "--skip-subscription-discovery"],
        &[
            "-u",
            "u",
            "-p",
            "p",
            "-t",
            CONTOSO,
            "--skip-subscription-discovery",
            "-s",
            "Contoso Dev",
        ],
        &["-u", "u"],
        &["--service-principal", "-u", "app", "-t", CONTOSO],
        &["--identity", "--client-id", "a", "--object-id", "b"],
    ];
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
