//! `account list`, `account show`, `account set`: az's selection rules and messages.

mod common;

use common::*;

#[tokio::test(flavor = "multi_thread")]
async fn list_show_set_follow_az() {
    let env = TestEnv::start().await;
    let empty = env.run(&["account", "list"]).await.ok();
    assert_eq!(empty.stdout, "[]\n");
    assert_eq!(
        empty.stderr,
        "WARNING: Please run \"az login\" to access your accounts.\n"
    );
    let show = env.run(&["account", "show"]).await;
    assert_eq!(
        (show.code, show.stderr.as_str()),
        (1, "ERROR: Please run 'az login' to setup account.\n")
    );

    env.login_password().await;
    let list = env.run(&["account", "list"]).await.ok().json();
    assert_eq!(list.as_array().map(Vec::len), Some(2));
    assert_eq!(list[0]["cloudName"], CLOUD);
    let show = env.run(&["account", "show"]).await.ok().json();
    assert_eq!(show["environmentName"], CLOUD);
    assert_eq!(show["isDefault"], true);

    env.run(&["account", "set", "-s", "contoso dev"]).await.ok();
    let show = env.run(&["account", "show"]).await.ok().json();
    assert_eq!(show["name"], "Contoso Dev");
    let clouds = String::from_utf8(env.read("clouds.config")).expect("utf8");
    assert!(
        clouds.contains("subscription = c0000001-0000-4000-8000-000000000002"),
        "{clouds}"
    );

    let missing = env.run(&["account", "set", "-s", "Nope"]).await;
    assert_eq!(missing.code, 1);
    assert_eq!(
        missing.stderr,
        "ERROR: The subscription of 'nope' doesn't exist in cloud 'FakeCloud'.\n"
    );
    let by_name = env
        .run(&["account", "show", "-s", "CONTOSO PRODUCTION"])
        .await
        .ok()
        .json();
    assert_eq!(by_name["id"], "c0000001-0000-4000-8000-000000000001");
    let queried = env
        .run(&["account", "list", "--query", "[].name", "-o", "tsv"])
        .await
        .ok();
    assert_eq!(queried.stdout, "Contoso Production\nContoso Dev\n");
    let table = env.run(&["account", "list", "-o", "table"]).await.ok();
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        [
            "Name",
            "CloudName",
            "SubscriptionId",
            "TenantId",
            "State",
            "IsDefault"
        ]
    );
    assert!(
        lines[1].starts_with("------------------  -----------  "),
        "{}",
        table.stdout
    );
    assert!(
        lines[2]
            .starts_with("Contoso Production  FakeCloud    c0000001-0000-4000-8000-000000000001"),
        "{}",
        table.stdout
    );
    assert!(
        lines[2].trim_end().ends_with("Enabled  False"),
        "{}",
        table.stdout
    );
    assert!(
        lines[3].starts_with("Contoso Dev         FakeCloud"),
        "{}",
        table.stdout
    );
    assert!(
        lines[3].trim_end().ends_with("Enabled  True"),
        "the default after `account set`: {}",
        table.stdout
    );
    let none = env.run(&["account", "list", "-o", "none"]).await.ok();
    assert_eq!(none.stdout, "");
    let bad = env.run(&["account", "list", "-o", "xml"]).await;
    assert_eq!(bad.code, 2);
}
