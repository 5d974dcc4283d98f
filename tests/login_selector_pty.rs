//! The subscription selector on a real pseudo-terminal: `azlogin login --use-device-code` and
//! `azlogin account set` against the emulator, typed at like a person would, with the exact
//! screen checked (stdout and stderr share the terminal, so colour is on).
//!
//! Unix only: it drives azlogin through a pseudo-terminal (`openpt`), which Windows does not
//! have; under Wine the console is a Wine console no test can type at.
#![cfg(unix)]

mod common;

use common::pty::Pty;
use common::*;

const PRODUCTION: &str = "c0000001-0000-4000-8000-000000000001";
const STAGING: &str = "c0000001-0000-4000-8000-000000000003";
const RESEARCH: &str = "c0000002-0000-4000-8000-000000000001";
const PROMPT: &str = "Select a subscription and tenant (Type a number or Enter for no changes): ";
const ANNOUNCEMENT: &str = "[Announcements]\nWith the new Azure CLI login experience, you can select the subscription you want to use more easily. Learn more about it and its configuration at https://go.microsoft.com/fwlink/?linkid=2271236\n\nIf you encounter any problem, please open an issue at https://aka.ms/azclibug\n\n";

/// Text in az's dark-theme HIGHLIGHT.
fn hl(text: &str) -> String {
    format!("\u{1b}[96m{text}\u{1b}[0m")
}

/// Text in az's dark-theme WARNING colour (a warning line with colour on).
fn warn(text: &str) -> String {
    format!("\u{1b}[93m{text}\u{1b}[0m\n")
}

fn table(default_row: usize) -> String {
    let rows = [
        (
            "[1]",
            "Contoso Dev",
            "c0000001-0000-4000-8000-000000000002",
            "Contoso",
        ),
        ("[2]", "Contoso Production", PRODUCTION, "Contoso"),
        ("[3]", "Contoso Staging", STAGING, "Contoso"),
        ("[4]", "Fabrikam Research", RESEARCH, "Fabrikam"),
    ];
    let mut out = String::from(
        "No     Subscription name    Subscription ID                       Tenant\n\
         -----  -------------------  ------------------------------------  --------\n",
    );
    for (i, (n, name, id, tenant)) in rows.iter().enumerate() {
        if i + 1 == default_row {
            out.push_str(&format!(
                "{} *  {}{}  {}  {}\n",
                hl(n),
                hl(name),
                " ".repeat(19 - name.len()),
                hl(id),
                hl(tenant)
            ));
        } else {
            out.push_str(&format!("{n:<5}  {name:<19}  {id}  {tenant}\n"));
        }
    }
    out
}

fn intro(default_row: usize, default_name: &str, default_id: &str) -> String {
    format!(
        "\n[Tenant and subscription selection]\n\n{}\nThe default is marked with an *; the default tenant is 'Contoso' and subscription is '{default_name}' ({default_id}).\n\n{PROMPT}",
        table(default_row)
    )
}

async fn env() -> TestEnv {
    TestEnv::with_scenario(load_scenario("selector.json")).await
}

fn on_pty(env: &TestEnv, args: &[&str], extra_env: &[(&str, &str)]) -> Pty {
    let mut cmd = env.command(args);
    cmd.envs(extra_env.iter().copied());
    Pty::spawn(&mut cmd)
}

/// The progress lines (each drawn after an erase-line sequence) and what follows the last erase.
fn split_progress(text: &str) -> (String, String) {
    const ERASE: &str = "\r\u{1b}[2K";
    match text.rfind(ERASE) {
        Some(i) => (text[..i].to_string(), text[i + ERASE.len()..].to_string()),
        None => (String::new(), text.to_string()),
    }
}

fn default_in_profile(env: &TestEnv) -> String {
    let profile = env.read_json("azureProfile.json");
    let defaults: Vec<&str> = profile["subscriptions"]
        .as_array()
        .expect("list")
        .iter()
        .filter(|s| s["isDefault"] == true)
        .map(|s| s["id"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(defaults.len(), 1, "{profile}");
    defaults[0].to_string()
}

fn cloud_subscription(env: &TestEnv) -> String {
    String::from_utf8(env.read("clouds.config")).expect("utf8")
}

#[tokio::test(flavor = "multi_thread")]
async fn device_code_login_shows_the_selector_filters_and_sets_the_choice() {
    let env = env().await;
    let mut pty = on_pty(&env, &["login", "--use-device-code"], &[]);
    let before = pty.expect("\nRetrieving tenants and subscriptions for the selection...\n");
    assert!(
        before.starts_with("\u{1b}[93mTo sign in, use a web browser to open the page "),
        "{before}"
    );
    // On a terminal, azlogin shows discovery progress on stderr and erases it before the
    // selector, which is then exactly az's.
    let (progress, selector) = split_progress(&pty.expect(PROMPT));
    assert!(
        progress.ends_with("Discovering subscriptions: 2/2 tenants, 4 subscriptions found"),
        "{progress:?}"
    );
    assert_eq!(selector, intro(2, "Contoso Production", PRODUCTION));

    // A filter: the matching rows with their own numbers.
    pty.send("staging\n");
    assert_eq!(
        pty.expect(PROMPT),
        format!(
            "staging\n\n\
             No    Subscription name    Subscription ID                       Tenant\n\
             ----  -------------------  ------------------------------------  --------\n\
             [3]   Contoso Staging      {STAGING}  Contoso\n\n{PROMPT}"
        )
    );
    pty.send("nothing-like-this\n");
    assert_eq!(
        pty.expect(PROMPT),
        format!(
            "nothing-like-this\n{}{PROMPT}",
            warn(
                "No subscription or tenant matches 'nothing-like-this'; type a number or Enter to keep the default."
            )
        )
    );
    pty.send(" 4\n");
    assert_eq!(
        pty.expect(PROMPT),
        format!(" 4\n{}{PROMPT}", warn("Invalid selection."))
    );
    pty.send("5\n");
    assert_eq!(
        pty.expect(PROMPT),
        format!("5\n{}{PROMPT}", warn("Invalid selection."))
    );
    // Numbers select from the whole list, even one the filtered view does not show.
    pty.send("4\n");
    let (code, rest) = pty.finish();
    assert_eq!(
        rest,
        format!(
            "4\n\nTenant: Fabrikam\nSubscription: Fabrikam Research ({RESEARCH})\n\n{ANNOUNCEMENT}{}",
            warn(
                "[Warning] The login output has been updated. Please be aware that it no longer displays the full list of available subscriptions by default.\n"
            )
        )
    );
    assert_eq!(code, 0);
    assert_eq!(default_in_profile(&env), RESEARCH);
    assert!(
        cloud_subscription(&env).contains(&format!("subscription = {RESEARCH}\n")),
        "{}",
        cloud_subscription(&env)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn enter_keeps_the_default_and_only_show_errors_hides_the_warnings() {
    let env = env().await;
    let mut pty = on_pty(
        &env,
        &[
            "login",
            "--use-device-code",
            "--tenant",
            CONTOSO,
            "--only-show-errors",
        ],
        &[],
    );
    pty.expect("\nRetrieving subscriptions for the selection...\n");
    let heading = pty.expect(PROMPT);
    assert!(
        heading.ends_with(&format!("({PRODUCTION}).\n\n{PROMPT}")),
        "{heading}"
    );
    pty.send("0\n");
    assert_eq!(pty.expect(PROMPT), format!("0\n{PROMPT}"));
    pty.send("\n");
    let (code, rest) = pty.finish();
    assert_eq!(code, 0);
    assert_eq!(
        rest,
        format!(
            "\n\nTenant: {CONTOSO}\nSubscription: Contoso Production ({PRODUCTION})\n\n{ANNOUNCEMENT}"
        )
    );
    assert_eq!(default_in_profile(&env), PRODUCTION);
}

#[tokio::test(flavor = "multi_thread")]
async fn end_of_input_keeps_the_default() {
    let env = env().await;
    let mut pty = on_pty(&env, &["login", "--use-device-code"], &[]);
    pty.expect(PROMPT);
    pty.send("contoso\n");
    pty.expect(PROMPT);
    pty.send_eof();
    let (code, rest) = pty.finish();
    assert_eq!(code, 0);
    assert!(
        rest.starts_with(&format!(
            "\n\nTenant: Contoso\nSubscription: Contoso Production ({PRODUCTION})\n\n[Announcements]"
        )),
        "{rest:?}"
    );
    assert_eq!(default_in_profile(&env), PRODUCTION);
}

#[tokio::test(flavor = "multi_thread")]
async fn login_experience_v2_off_prints_the_json_list() {
    let env = env().await;
    let pty = on_pty(
        &env,
        &["login", "--use-device-code"],
        &[("AZURE_CORE_LOGIN_EXPERIENCE_V2", "Off")],
    );
    let (code, screen) = pty.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains("Retrieving"), "{screen}");
    assert!(
        !screen.contains("[Tenant and subscription selection]"),
        "{screen}"
    );
    assert!(
        screen.contains(&format!("\"id\": \"{STAGING}\"")),
        "{screen}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_login_experience_v2_value_fails_before_signing_in() {
    let env = env().await;
    let pty = on_pty(
        &env,
        &["login", "--use-device-code"],
        &[("AZURE_CORE_LOGIN_EXPERIENCE_V2", "maybe")],
    );
    let (code, screen) = pty.finish();
    assert_eq!(code, 1, "{screen}");
    assert!(!screen.contains("To sign in"), "{screen}");
    assert!(screen.contains("'maybe'"), "{screen}");
}

#[tokio::test(flavor = "multi_thread")]
async fn subscription_with_one_match_prints_retrieving_then_json() {
    let env = env().await;
    let pty = on_pty(
        &env,
        &[
            "login",
            "--use-device-code",
            "--subscription",
            "contoso staging",
        ],
        &[],
    );
    let (code, screen) = pty.finish();
    assert_eq!(code, 0, "{screen}");
    let json_at = screen.find("[\n").expect("the JSON list");
    let retrieving = screen
        .find("\nRetrieving tenants and subscriptions for the selection...\n")
        .expect("the Retrieving line");
    assert!(retrieving < json_at, "{screen}");
    assert!(!screen.contains(PROMPT), "{screen}");
    assert_eq!(default_in_profile(&env), STAGING);
}

#[tokio::test(flavor = "multi_thread")]
async fn account_set_without_a_subscription_asks_on_a_terminal() {
    let env = env().await;
    env.login_password().await;
    let mut pty = on_pty(
        &env,
        &["account", "set"],
        &[("AZURE_CORE_NO_COLOR", "true")],
    );
    let plain = table(0).replace(
        &format!("[2]    Contoso Production   {PRODUCTION}  Contoso"),
        &format!("[2] *  Contoso Production   {PRODUCTION}  Contoso"),
    );
    assert_eq!(
        pty.expect(PROMPT),
        format!(
            "\n[Tenant and subscription selection]\n\n{plain}\nThe default is marked with an *; the default tenant is 'Contoso' and subscription is 'Contoso Production' ({PRODUCTION}).\n\n{PROMPT}"
        )
    );
    pty.send("9\n");
    assert_eq!(
        pty.expect(PROMPT),
        format!("9\nWARNING: Invalid selection.\n{PROMPT}")
    );
    pty.send("3\n");
    let (code, rest) = pty.finish();
    assert_eq!(code, 0);
    assert_eq!(
        rest,
        format!("3\n\nTenant: Contoso\nSubscription: Contoso Staging ({STAGING})\n\n")
    );
    assert_eq!(default_in_profile(&env), STAGING);
    assert!(cloud_subscription(&env).contains(&format!("subscription = {STAGING}\n")));
}

#[tokio::test(flavor = "multi_thread")]
async fn account_set_without_a_subscription_or_terminal_is_a_usage_error() {
    let env = env().await;
    env.login_password().await;
    let run = env.run(&["account", "set"]).await;
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "ERROR: the following arguments are required: --subscription/-s/--name/-n\n\nhttps://aka.ms/cli_ref\nRead more about the command in reference docs\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn subscription_with_several_matches_asks_among_them() {
    let mut scenario = load_scenario("selector.json");
    scenario.tenants[1].subscriptions[0].display_name = "Contoso Staging".into();
    let env = TestEnv::with_scenario(scenario).await;
    let mut pty = on_pty(
        &env,
        &[
            "login",
            "--use-device-code",
            "-s",
            "CONTOSO STAGING",
            "--only-show-errors",
        ],
        &[],
    );
    pty.expect("\nRetrieving tenants and subscriptions for the selection...\n");
    let heading = pty.expect(PROMPT);
    assert!(
        heading.ends_with(&format!(
            "-----  -------------------  ------------------------------------  --------\n\
             {} *  {}      {}  {}\n\
             [2]    Contoso Staging      {RESEARCH}  Fabrikam\n\n\
             The default is marked with an *; the default tenant is 'Contoso' and subscription is 'Contoso Staging' ({STAGING}).\n\n{PROMPT}",
            hl("[1]"),
            hl("Contoso Staging"),
            hl(STAGING),
            hl("Contoso"),
        )),
        "{heading}"
    );
    pty.send("2\n");
    let (code, rest) = pty.finish();
    assert_eq!(code, 0);
    assert!(
        rest.starts_with(&format!(
            "2\n\nTenant: Fabrikam\nSubscription: Contoso Staging ({RESEARCH})\n\n[Announcements]"
        )),
        "{rest}"
    );
    assert_eq!(default_in_profile(&env), RESEARCH);
}
