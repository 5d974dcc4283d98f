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
    for (line, text) in common::usage_rules::AZ_LOGIN_RULES {
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
