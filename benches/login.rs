//! `cargo bench --bench login`: logins and tokens against the embedded emulator, each case run
//! several times in one process run; prints a table of medians and spreads.
//!
//! 1. Discovery, 20 tenants × 50 subscriptions, page size 100, 50 ms per request: azlogin
//!    default, `--concurrency 1` (azlogin's loop one tenant at a time), `az login` when the interop venv
//!    exists, and the critical-path bound (fewest sequential round trips × latency).
//! 2. One tenant with 100,000 subscriptions, page size 1,000, no latency: wall time and peak RSS.
//! 3. Warm `azlogin account get-access-token` as a process (and az's, when available): p50.
//! 4. A refresh-token grant at no latency, in process: p50 per call.
//!
//! `AZLOGIN_BENCH_RUNS` sets the runs per case (default 5).
//!
//! az runs as the interop suite runs it (`tests/common/az.rs`: its venv, an emulator over TLS
//! with its CA, the user-realm answer on 127.0.0.1:443); without the venv, or when 443 cannot be
//! bound, its rows say "not measured (no az: …)".

#![allow(missing_docs)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use azlogin::emulator::{EmulatorOptions, RunningEmulator, Scenario};
use azlogin::session::{AccessTokenRequest, Session, SessionOptions};
use common::az::{Emu, Side, Tool};

const CLOUD: &str = "AzureEmulator";
const USER: &str = "bench@contoso.example";
const PASSWORD: &str = "Passw0rd!";
const PROFILE: &str = "azureProfile.json";

type BenchResult<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The scenario text for `tenants` tenants of `subs` subscriptions each, written piece by piece
/// so that even 100,000 subscriptions cost the bench process only the text.
fn scenario_json(tenants: usize, subs: usize, page_size: usize, latency_ms: u64) -> String {
    use std::fmt::Write;
    let tenant_id = |t: usize| format!("{:08x}-0000-4000-8000-000000000001", t + 1);
    let mut out = format!(
        r#"{{"users": [{{"username": "{USER}", "password": "{PASSWORD}", "oid": "aaaaaaaa-0000-4000-8000-000000000001", "home_tenant": "{}", "display_name": "Bench User"}}], "page_size": {page_size}, "latency_ms": {latency_ms}, "tenants": ["#,
        tenant_id(0)
    );
    for t in 0..tenants {
        let _ = write!(
            out,
            r#"{}{{"id": "{}", "display_name": "Tenant {t}", "default_domain": "t{t}.example", "subscriptions": ["#,
            if t == 0 { "" } else { ", " },
            tenant_id(t)
        );
        for s in 0..subs {
            let _ = write!(
                out,
                r#"{}{{"id": "{:08x}-{:04x}-4000-8000-{:012x}", "display_name": "Tenant {t} Sub {s}"}}"#,
                if s == 0 { "" } else { ", " },
                t + 1,
                (s >> 16) & 0xffff,
                s
            );
        }
        out.push_str("]}");
    }
    out.push_str("]}");
    out
}

/// The scenario of [`scenario_json`], parsed.
fn scenario(
    tenants: usize,
    subs: usize,
    page_size: usize,
    latency_ms: u64,
) -> BenchResult<Scenario> {
    Ok(Scenario::from_json(&scenario_json(
        tenants, subs, page_size, latency_ms,
    ))?)
}

/// The emulator an [`Env`] runs: in this process, or (for a large scenario) as an
/// `azlogin emulator` process, so the bench process stays small. A child's peak RSS as
/// `wait4` reports it is never below the bench process's own peak (the child starts as a copy
/// of it), so a 100,000-subscription emulator in here would hide the login's figure.
enum Server {
    InProcess(RunningEmulator),
    Process(std::process::Child),
}

/// A running emulator and a config dir whose active cloud points at it.
struct Env {
    server: Server,
    template: tempfile::TempDir,
}

impl Env {
    async fn start(scenario: Scenario) -> BenchResult<Env> {
        let emulator = azlogin::emulator::start(EmulatorOptions {
            port: 0,
            scenario,
            latency: Duration::ZERO,
            tls_cert_dir: None,
            log_requests: false,
            seed: None,
        })
        .await?;
        let url = emulator.url().trim_end_matches('/').to_string();
        Self::with_server(Server::InProcess(emulator), &url)
    }

    /// `azlogin emulator --scenario <file>` as a child process.
    fn start_process(scenario_json: &str) -> BenchResult<Env> {
        use std::io::BufRead;
        let file = tempfile::NamedTempFile::new()?;
        std::fs::write(file.path(), scenario_json)?;
        let mut child = Command::new(env!("CARGO_BIN_EXE_azlogin"))
            .args(["emulator", "--port", "0", "--scenario"])
            .arg(file.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let mut ready = String::new();
        if let Some(out) = child.stdout.take() {
            std::io::BufReader::new(out).read_line(&mut ready)?;
        }
        let url = serde_json::from_str::<serde_json::Value>(&ready)
            .ok()
            .and_then(|v| {
                v["url"]
                    .as_str()
                    .map(|u| u.trim_end_matches('/').to_string())
            });
        match url {
            Some(url) => Self::with_server(Server::Process(child), &url),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                Err(format!("the emulator process did not say it was ready: {ready:?}").into())
            }
        }
    }

    fn with_server(server: Server, url: &str) -> BenchResult<Env> {
        let template = tempfile::tempdir()?;
        std::fs::write(
            template.path().join("clouds.config"),
            format!(
                "[{CLOUD}]\nendpoint_active_directory = {url}\nendpoint_active_directory_resource_id = {url}/\nendpoint_resource_manager = {url}/\n\n"
            ),
        )?;
        std::fs::write(
            template.path().join("config"),
            format!("[cloud]\nname = {CLOUD}\n\n[core]\ninstance_discovery = false\n\n"),
        )?;
        Ok(Env { server, template })
    }

    /// A fresh config dir with the cloud files.
    fn fresh_dir(&self) -> BenchResult<tempfile::TempDir> {
        let dir = tempfile::tempdir()?;
        for file in ["clouds.config", "config", PROFILE] {
            let from = self.template.path().join(file);
            if from.exists() {
                std::fs::copy(from, dir.path().join(file))?;
            }
        }
        Ok(dir)
    }

    /// From now on, fresh dirs start with the profile a login wrote in `dir`.
    fn keep_profile_of(&self, dir: &Path) -> BenchResult<()> {
        std::fs::copy(dir.join(PROFILE), self.template.path().join(PROFILE))?;
        Ok(())
    }

    /// Requests the emulator answered so far (known only in process).
    fn requests(&self) -> Option<usize> {
        match &self.server {
            Server::InProcess(e) => Some(e.request_log().len()),
            Server::Process(_) => None,
        }
    }

    fn stop(self, rt: &tokio::runtime::Runtime) {
        match self.server {
            Server::InProcess(e) => rt.block_on(e.stop()),
            Server::Process(mut child) => {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}

fn azlogin(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_azlogin"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AZURE_CONFIG_DIR", dir)
        .env("HOME", dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

/// What a finished child cost.
struct Measured {
    wall: Duration,
    /// The child's peak RSS in KiB.
    maxrss_kib: u64,
    /// User + system CPU time: unlike wall time, hardly changed by other work on the machine.
    cpu: Duration,
}

/// Runs a command to completion and measures it.
fn run_measured(mut cmd: Command) -> BenchResult<Measured> {
    let start = Instant::now();
    let mut child = cmd.spawn()?;
    let mut stderr = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(e) = stderr.as_mut() {
            let _ = std::io::Read::read_to_string(e, &mut text);
        }
        text
    });
    let (status, maxrss_kib, cpu) = wait_with_rusage(child.id())?;
    let wall = start.elapsed();
    let stderr = reader.join().unwrap_or_default();
    if status != 0 {
        return Err(format!("exit status {status}: {stderr}").into());
    }
    Ok(Measured {
        wall,
        maxrss_kib,
        cpu,
    })
}

/// `wait4`: the exit status, the child's peak RSS (KiB) and CPU time, which std's `wait` drops.
#[allow(unsafe_code)]
fn wait_with_rusage(pid: u32) -> BenchResult<(i32, u64, Duration)> {
    let pid = libc::pid_t::try_from(pid)?;
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero rusage is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own unreaped child; status and usage are valid for writes.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if r != pid {
        return Err(std::io::Error::last_os_error().into());
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    let time = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
    };
    Ok((
        code,
        u64::try_from(usage.ru_maxrss).unwrap_or(0),
        time(usage.ru_utime) + time(usage.ru_stime),
    ))
}

/// Median and spread (min–max) of a sample.
struct Stats {
    median: f64,
    min: f64,
    max: f64,
}

fn stats(mut xs: Vec<f64>) -> Stats {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    let median = match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => xs[n / 2],
        _ => (xs[n / 2 - 1] + xs[n / 2]) / 2.0,
    };
    Stats {
        median,
        min: xs.first().copied().unwrap_or(f64::NAN),
        max: xs.last().copied().unwrap_or(f64::NAN),
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn row(case: &str, what: &str, s: &Stats, unit: &str, note: &str) {
    println!(
        "| {case:<4} | {what:<46} | {:>10.1} | {:>10.1} – {:<10.1} | {unit:<4} | {note}",
        s.median, s.min, s.max
    );
}

fn runs() -> usize {
    std::env::var("AZLOGIN_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
        .max(1)
}

/// Logins measured several times.
struct LoginStats {
    /// Wall time, ms.
    wall: Stats,
    /// Peak RSS, MiB.
    rss: Stats,
    /// CPU time, ms.
    cpu: Stats,
    /// Requests per login, when the emulator counts them.
    requests: Option<usize>,
}

/// `azlogin login -u -p` in a fresh dir `runs` times.
fn logins(env: &Env, extra: &[&str], runs: usize) -> BenchResult<LoginStats> {
    let (mut wall, mut rss, mut cpu) = (Vec::new(), Vec::new(), Vec::new());
    let mut requests = None;
    for _ in 0..runs {
        let dir = env.fresh_dir()?;
        let mut args = vec!["login", "-u", USER, "-p", PASSWORD, "--output", "none"];
        args.extend_from_slice(extra);
        let before = env.requests();
        let m = run_measured(azlogin(dir.path(), &args))?;
        requests = before.zip(env.requests()).map(|(b, a)| a - b);
        wall.push(ms(m.wall));
        cpu.push(ms(m.cpu));
        rss.push(m.maxrss_kib as f64 / 1024.0);
    }
    Ok(LoginStats {
        wall: stats(wall),
        rss: stats(rss),
        cpu: stats(cpu),
        requests,
    })
}

/// The real az (the interop venv's) against a TLS emulator of `scenario`, in a config dir with
/// the emulator's cloud registered by az itself; or why az cannot be measured here.
struct AzEnv {
    emu: Emu,
    template: Side,
}

impl AzEnv {
    fn start(scenario: Scenario) -> Result<AzEnv, String> {
        let az = common::az::find_az()?;
        common::az::realm()?;
        let emu = Emu::with_scenario(scenario);
        let template = Side::new(&az, &emu);
        template.register_cloud(Tool::Az, &emu);
        Ok(AzEnv { emu, template })
    }

    /// `az args…` in `side`, output discarded, stderr kept for a failure's message.
    fn command(side: &Side, args: &[&str]) -> Command {
        let mut cmd = side.command(Tool::Az, args);
        cmd.stdout(Stdio::null()).stderr(Stdio::piped());
        cmd
    }

    /// A fresh config dir with the cloud registered, logged in by az.
    fn logged_in(&self) -> BenchResult<(Side, Duration)> {
        let side = self.template.copy();
        let login = ["login", "-u", USER, "-p", PASSWORD, "--output", "none"];
        let m = run_measured(Self::command(&side, &login))?;
        Ok((side, m.wall))
    }
}

impl AzEnv {
    fn stop(self) {
        common::az::RUNTIME.block_on(self.emu.emulator.stop());
    }
}

/// The az row's note when az is not measured.
fn no_az(why: &str) -> String {
    format!("not measured (no az: {why})")
}

fn case_discovery(rt: &tokio::runtime::Runtime, runs: usize) -> BenchResult<()> {
    let (tenants, subs, page, latency) = (20, 50, 100, 50);
    let env = rt.block_on(Env::start(scenario(tenants, subs, page, latency)?))?;
    let default = logins(&env, &[], runs)?;
    let requests = default
        .requests
        .ok_or("the in-process emulator counts requests")?;
    let default = default.wall;
    row(
        "1",
        "discovery: azlogin default concurrency",
        &default,
        "ms",
        &format!("{requests} requests"),
    );
    let wide = logins(&env, &["--concurrency", "32"], runs)?.wall;
    row("1", "discovery: azlogin --concurrency 32", &wide, "ms", "");
    let seq = logins(&env, &["--concurrency", "1"], runs.min(3))?.wall;
    row(
        "1",
        "discovery: azlogin --concurrency 1 (one tenant at a time)",
        &seq,
        "ms",
        "",
    );
    // The critical path: the three requests of a password login before discovery, each needing
    // the one before (the user-realm lookup, the password grant, the tenant list), then one
    // tenant's token grant and its pages (`ceil(subs / page)`), all tenants at once. Fixed, not
    // derived from azlogin's request count, so an extra request of azlogin's shows as time.
    const BEFORE_DISCOVERY: usize = 3;
    let pages = subs.div_ceil(page).max(1);
    let per_tenant = 1 + pages;
    if requests != BEFORE_DISCOVERY + tenants * per_tenant {
        println!(
            "|      | note: azlogin made {requests} requests, the plan is {}",
            BEFORE_DISCOVERY + tenants * per_tenant
        );
    }
    let round_trips = BEFORE_DISCOVERY + per_tenant;
    let bound = (round_trips as u64 * latency) as f64;
    let b = Stats {
        median: bound,
        min: bound,
        max: bound,
    };
    row(
        "1",
        "discovery: critical-path bound",
        &b,
        "ms",
        &format!("{round_trips} round trips × {latency} ms"),
    );
    // az's sequential algorithm in a fresh config dir: MSAL fetches each tenant authority's
    // OpenID configuration before its grant, so three round trips per tenant.
    let az_loop = ((BEFORE_DISCOVERY + tenants * (2 + pages)) as u64 * latency) as f64;
    println!(
        "|      | speed-up vs concurrency 1: default {:.1}×, 32 {:.1}×; vs bound: default {:.2}×, 32 {:.2}×; vs az's sequential algorithm ({} round trips, {az_loop:.0} ms): default {:.1}× |",
        seq.median / default.median,
        seq.median / wide.median,
        default.median / bound,
        wide.median / bound,
        BEFORE_DISCOVERY + tenants * (2 + pages),
        az_loop / default.median
    );
    env.stop(rt);
    match AzEnv::start(scenario(tenants, subs, page, latency)?) {
        Ok(az) => {
            let mut wall = Vec::new();
            let mut requests = 0;
            for _ in 0..runs {
                let before = az.emu.emulator.request_log().len();
                let (_, t) = az.logged_in()?;
                requests = az.emu.emulator.request_log().len() - before;
                wall.push(ms(t));
            }
            let az_login = stats(wall);
            row(
                "1",
                "discovery: az login -u -p (az 2.91.0)",
                &az_login,
                "ms",
                &format!("{requests} requests"),
            );
            println!(
                "|      | azlogin default vs az: {:.1}× faster |",
                az_login.median / default.median
            );
            az.stop();
        }
        Err(why) => println!("| 1    | discovery: az login -u -p: {} |", no_az(&why)),
    }
    Ok(())
}

fn case_large_tenant(rt: &tokio::runtime::Runtime, runs: usize) -> BenchResult<()> {
    let _ = rt;
    let env = Env::start_process(&scenario_json(1, 100_000, 1_000, 0))?;
    let floor = self_peak_rss_mib();
    let large = logins(&env, &[], runs)?;
    row(
        "2",
        "100,000 subscriptions: login wall time",
        &large.wall,
        "ms",
        "100 pages of 1,000",
    );
    row(
        "2",
        "100,000 subscriptions: login CPU time",
        &large.cpu,
        "ms",
        "user + system",
    );
    row(
        "2",
        "100,000 subscriptions: peak RSS",
        &large.rss,
        "MiB",
        &format!("the bench process's own peak: {floor:.1} MiB"),
    );
    // Again, into a profile that already holds the 100,000 entries (read, merged, rewritten).
    let dir = env.fresh_dir()?;
    run_measured(azlogin(
        dir.path(),
        &["login", "-u", USER, "-p", PASSWORD, "--output", "none"],
    ))?;
    env.keep_profile_of(dir.path())?;
    let again = logins(&env, &[], runs)?;
    row(
        "2",
        "100,000 again, into their profile: wall time",
        &again.wall,
        "ms",
        "",
    );
    row(
        "2",
        "100,000 again, into their profile: peak RSS",
        &again.rss,
        "MiB",
        "",
    );
    env.stop(rt);
    Ok(())
}

/// This process's peak RSS in MiB: a floor under every child's figure.
#[allow(unsafe_code)]
fn self_peak_rss_mib() -> f64 {
    // SAFETY: an all-zero rusage is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: usage is valid for writes.
    let r = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    if r != 0 {
        return f64::NAN;
    }
    usage.ru_maxrss as f64 / 1024.0
}

fn case_tokens(rt: &tokio::runtime::Runtime, runs: usize) -> BenchResult<()> {
    let env = rt.block_on(Env::start(scenario(1, 3, 100, 0)?))?;
    let dir = env.fresh_dir()?;
    run_measured(azlogin(
        dir.path(),
        &["login", "-u", USER, "-p", PASSWORD, "--output", "none"],
    ))?;
    // Warm: the first call may fetch and cache the token.
    run_measured(azlogin(dir.path(), &["account", "get-access-token"]))?;
    let calls = (runs * 10).max(20);
    let mut warm = Vec::new();
    let before = env.requests().unwrap_or_default();
    for _ in 0..calls {
        let m = run_measured(azlogin(dir.path(), &["account", "get-access-token"]))?;
        warm.push(ms(m.wall));
    }
    let requests = env.requests().unwrap_or_default() - before;
    let warm_stats = stats(warm);
    row(
        "3",
        "warm get-access-token (process)",
        &warm_stats,
        "ms",
        &format!("{calls} calls, {requests} requests"),
    );
    let process_start = {
        let mut xs = Vec::new();
        for _ in 0..calls {
            let m = run_measured(azlogin(dir.path(), &["--version"]))?;
            xs.push(ms(m.wall));
        }
        stats(xs)
    };
    row(
        "3",
        "azlogin --version (process start)",
        &process_start,
        "ms",
        "",
    );
    match AzEnv::start(scenario(1, 3, 100, 0)?) {
        Ok(az) => {
            let (side, _) = az.logged_in()?;
            let token = ["account", "get-access-token"];
            run_measured(AzEnv::command(&side, &token))?;
            let mut xs = Vec::new();
            for _ in 0..runs.max(3) {
                let m = run_measured(AzEnv::command(&side, &token))?;
                xs.push(ms(m.wall));
            }
            let az_token = stats(xs);
            row(
                "3",
                "warm az account get-access-token (az 2.91.0)",
                &az_token,
                "ms",
                &format!("{} calls", runs.max(3)),
            );
            println!(
                "|      | azlogin vs az get-access-token: {:.0}× faster |",
                az_token.median / warm_stats.median
            );
            az.stop();
        }
        Err(why) => println!("| 3    | az get-access-token: {} |", no_az(&why)),
    }

    let session = Session::open(SessionOptions {
        config_dir: Some(dir.path().to_path_buf()),
        env: std::sync::Arc::new(|_| None),
        authority_host: None,
    })?;
    let request = AccessTokenRequest {
        force_refresh: true,
        ..AccessTokenRequest::default()
    };
    rt.block_on(session.get_access_token(&request))?;
    let mut refresh = Vec::new();
    for _ in 0..calls {
        let start = Instant::now();
        rt.block_on(session.get_access_token(&request))?;
        refresh.push(ms(start.elapsed()));
    }
    row(
        "4",
        "refresh-token grant (in process)",
        &stats(refresh),
        "ms",
        &format!("{calls} calls"),
    );
    env.stop(rt);
    Ok(())
}

fn main() -> BenchResult<()> {
    // `cargo bench` passes `--bench`; a filter word picks cases ("discovery", "large", "tokens").
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wanted = |name: &str| filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str()));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let runs = runs();
    println!("azlogin bench: {runs} runs per case (AZLOGIN_BENCH_RUNS), median and min – max");
    println!(
        "| case | what                                           |     median |        spread           | unit | note"
    );
    println!(
        "|------|------------------------------------------------|------------|-------------------------|------|-----"
    );
    if wanted("discovery") {
        case_discovery(&rt, runs)?;
    }
    if wanted("large") {
        case_large_tenant(&rt, runs)?;
    }
    if wanted("tokens") {
        case_tokens(&rt, runs)?;
    }
    Ok(())
}
