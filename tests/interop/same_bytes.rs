//! Same data, same bytes: the same setup and login by az in one fresh dir and by azlogin in
//! another leave `config`, `clouds.config`, `azureProfile.json` and `msal_token_cache.json`
//! identical once tokens and timestamps are masked (key order, BOM, escaping, indentation,
//! realms and entry sets included), and print the same.

use crate::harness::*;

/// The part of azlogin's MFA line that az does not print.
const MFA_GUIDANCE: &str =
    "requires multi-factor authentication. To use its subscriptions, run: azlogin login --tenant ";

fn same_login(login: &[&str]) {
    let Some(az) = interop() else { return };
    let emu = Emu::start();
    let sides = [
        (Tool::Az, Side::new(az, &emu)),
        (Tool::Azlogin, Side::new(az, &emu)),
    ];
    let runs = parallel(&sides, |(tool, side)| {
        side.register_cloud(*tool, &emu);
        side.run(*tool, login)
    });
    let (a, b) = (&runs[0], &runs[1]);
    assert_eq!(a.code, 0, "az: {a:?}");
    assert_eq!(b.code, 0, "azlogin: {b:?}");
    assert_eq!(a.stdout, b.stdout, "login stdout");
    let no_code = |t: &str| {
        mask(t)
            .lines()
            .map(|l| match l.find("enter the code ") {
                Some(i) => format!("{}<code>", &l[..i]),
                None => l.to_string(),
            })
            .collect::<Vec<_>>()
    };
    // azlogin adds, on purpose, one line per tenant that needs MFA: the exact command to run.
    let (guidance, rest): (Vec<String>, Vec<String>) = no_code(&b.stderr)
        .into_iter()
        .partition(|l| l.contains(MFA_GUIDANCE));
    assert_eq!(no_code(&a.stderr), rest, "login stderr");
    assert_eq!(
        guidance.len(),
        1,
        "one MFA tenant, one command: {guidance:?}"
    );
    same_files(&sides[0].1, &sides[1].1);
    let profile = sides[1].1.read("azureProfile.json");
    assert!(profile.starts_with('\u{feff}'), "the profile has az's BOM");
    let cache = sides[1].1.read_json("msal_token_cache.json");
    let counts = entry_counts(&cache);
    println!("{}: token cache entries per kind {counts:?}", login[1]);
    assert_eq!(
        counts,
        [
            ("AccessToken", 3),
            ("Account", 1),
            ("IdToken", 3),
            ("RefreshToken", 1),
            ("AppMetadata", 1)
        ]
        .map(|(k, n)| (k.to_string(), n))
    );
}

#[test]
fn password_login_writes_the_same_files() {
    same_login(&["login", "-u", USER, "-p", PASSWORD]);
}

#[test]
fn device_code_login_writes_the_same_files() {
    same_login(&["login", "--use-device-code"]);
}
