//! Every one of az's `login` argument rules, through the binary: az's text on stderr, exit
//! code 1, no request to the emulator and the config dir as it was.

mod common;

use common::{CONTOSO, TestEnv};

const SUBSCRIPTION: &str = "c0000001-0000-4000-8000-000000000001";

/// The config dir's files and their bytes.
fn snapshot(env: &TestEnv) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(env.config_dir.path())
        .expect("config dir")
        .map(|e| {
            let e = e.expect("entry");
            let name = e.file_name().to_string_lossy().into_owned();
            (name.clone(), env.read(&name))
        })
        .collect();
    files.sort();
    files
}

#[tokio::test(flavor = "multi_thread")]
async fn each_az_rule_refuses_before_any_request() {
    let env = TestEnv::start().await;
    std::fs::write(
        env.path("azureProfile.json"),
        "\u{feff}{\"subscriptions\": []}",
    )
    .expect("write");
    let before = snapshot(&env);
    let cases: &[(&[&str], &str)] = &[
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
    for (line, text) in cases {
        let mut args = vec!["login"];
        args.extend_from_slice(line);
        let run = env.run(&args).await.failed();
        // The password warning comes first where az prints it (after the checks).
        let stderr = run
            .stderr
            .lines()
            .filter(|l| !l.starts_with("WARNING: "))
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(stderr, format!("ERROR: {text}"), "{line:?}");
        assert_eq!(run.stdout, "", "{line:?}");
    }
    assert_eq!(env.requests(), Vec::<String>::new());
    assert_eq!(snapshot(&env), before);
    // A GUID with skip passes the checks.
    let run = env
        .run(&[
            "login",
            "-u",
            common::USER,
            "-p",
            common::PASSWORD,
            "-t",
            CONTOSO,
            "--skip-subscription-discovery",
            "-s",
            SUBSCRIPTION,
        ])
        .await;
    assert!(!run.stderr.contains("usage error"), "{run:?}");
}
