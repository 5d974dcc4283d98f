//! A corrupt `azureProfile.json` is reported with its path and left byte for byte.

mod common;

use common::*;

#[tokio::test(flavor = "multi_thread")]
async fn corrupt_profile_is_reported_and_left_byte_for_byte() {
    let env = TestEnv::start().await;
    let garbage = b"\xef\xbb\xbf{\"subscriptions\": [{\"id\": \"a\", ";
    std::fs::write(env.path("azureProfile.json"), garbage).expect("write");
    for args in [
        vec!["login", "-u", USER, "-p", PASSWORD],
        vec!["account", "list"],
        vec!["account", "set", "-s", "x"],
        vec!["logout", "--username", USER],
        vec!["account", "clear"],
    ] {
        let run = env.run(&args).await;
        assert_eq!(run.code, 1, "{args:?}: {run:?}");
        assert!(
            run.stderr.contains("azureProfile.json"),
            "{args:?}: {run:?}"
        );
        assert!(run.stderr.contains("left unchanged"), "{args:?}: {run:?}");
        assert_eq!(env.read("azureProfile.json"), garbage, "{args:?}");
    }
}
