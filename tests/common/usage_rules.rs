//! az's `login` argument rules, one `azlogin login` argument line per rule (tenants are GUIDs,
//! so az resolves no domain first), with az's text: the flow tests and the interop suite run the
//! same list.

use super::CONTOSO;

/// Each rule: the arguments after `login`, and az's error text.
pub const AZ_LOGIN_RULES: &[(&[&str], &str)] = &[
    (
        &["--identity", "-t", CONTOSO],
        "usage error: '--identity' is not applicable with other arguments",
    ),
    (
        &["--identity", "-p", "x"],
        "usage error: '--identity' is not applicable with other arguments",
    ),
    (
        &["--identity", "-u", "x"],
        "Passing the managed identity ID with --username is no longer supported. Use --client-id, --object-id or --resource-id instead.",
    ),
    (
        &["--use-device-code", "-u", "u", "-p", "p"],
        "usage error: '--use-device-code' is not applicable with other arguments",
    ),
    (
        &["--use-device-code", "--identity"],
        "usage error: '--use-device-code' is not applicable with other arguments",
    ),
    (
        &["--use-cert-sn-issuer", "-u", "u", "-p", "p"],
        "usage error: '--use-sn-issuer' is only applicable with a service principal",
    ),
    (
        &["--service-principal", "-p", "s", "-t", CONTOSO],
        "usage error: --service-principal --username NAME --password SECRET --tenant TENANT",
    ),
    (
        &["-u", "u", "-p", "p", "--skip-subscription-discovery"],
        "usage error: '--skip-subscription-discovery' requires '--tenant'",
    ),
    (
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
        "usage error: '--subscription' must be a subscription ID (GUID), not a name, when combined with '--skip-subscription-discovery'.",
    ),
    (
        &["-u", "u"],
        "Please specify both username and password in non-interactive mode.",
    ),
    (
        &["--service-principal", "-u", "app", "-t", CONTOSO],
        "Please specify both username and password in non-interactive mode.",
    ),
];
