#!/usr/bin/env bash
# Runs each libFuzzer target in fuzz/ for a fixed time and prints, per target, how many inputs
# it executed and what it found. Needs the nightly toolchain and cargo-fuzz
# (`cargo install cargo-fuzz`). Not part of CI: findings become inputs under
# fuzz/regressions/<target>/, which tests/fuzz_regressions.rs replays in the normal test run.
#
#   scripts/fuzz.sh                  every target, 60 s each
#   FUZZ_SECONDS=600 scripts/fuzz.sh profile ini
#
# The corpus grows in fuzz/corpus/<target> (not in git), seeded from fuzz/seeds/, the files
# az wrote in tests/golden/ and the damaged files in tests/fixtures/broken/. Crash inputs land
# in fuzz/artifacts/<target>/, logs in fuzz/logs/.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/fuzz"
seconds=${FUZZ_SECONDS:-60}
all=(token_response jwt_client_info loopback_redirect profile token_cache ini arm_page)
targets=("${@:-${all[@]}}")

# Seed folders of each target, beyond its own corpus.
seeds() {
    case $1 in
        profile) echo "$root/tests/fixtures/broken/profile/rejected $root/tests/fixtures/broken/profile/tolerated $root/fuzz/seeds/from-golden/profile" ;;
        token_cache) echo "$root/tests/fixtures/broken/token_cache/rejected $root/tests/fixtures/broken/token_cache/tolerated $root/fuzz/seeds/from-golden/token_cache" ;;
        ini) echo "$root/tests/fixtures/broken/config/rejected $root/tests/fixtures/broken/config/tolerated $root/tests/fixtures/broken/clouds_config/rejected $root/tests/fixtures/broken/clouds_config/tolerated $root/fuzz/seeds/from-golden/ini" ;;
        *) echo "$root/fuzz/seeds/$1" ;;
    esac
}

# The files az wrote, as seeds (copied: libFuzzer reads seed folders, not single files).
mkdir -p seeds/from-golden/{profile,token_cache,ini}
for dir in "$root"/tests/golden/*/; do
    name=$(basename "$dir")
    [ -f "$dir/azureProfile.json" ] && cp "$dir/azureProfile.json" "seeds/from-golden/profile/$name"
    [ -f "$dir/msal_token_cache.json" ] && cp "$dir/msal_token_cache.json" "seeds/from-golden/token_cache/$name"
    [ -f "$dir/config" ] && cp "$dir/config" "seeds/from-golden/ini/$name-config"
    [ -f "$dir/clouds.config" ] && cp "$dir/clouds.config" "seeds/from-golden/ini/$name-clouds.config"
done

cargo +nightly fuzz build -O

mkdir -p logs
summary=()
for target in "${targets[@]}"; do
    mkdir -p "corpus/$target" "artifacts/$target"
    before=$(find "artifacts/$target" -type f | wc -l)
    log="logs/$target.log"
    # shellcheck disable=SC2046
    cargo +nightly fuzz run -O "$target" "corpus/$target" $(seeds "$target") -- \
        -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 \
        >"$log" 2>&1 || true
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    if [ -z "$runs" ]; then
        runs=$(grep -o '#[0-9]*' "$log" | tail -1 | tr -d '#')
    fi
    after=$(find "artifacts/$target" -type f | wc -l)
    corpus=$(find "corpus/$target" -type f | wc -l)
    found=$((after - before))
    summary+=("$(printf '%-18s %12s executions  %6s corpus  %3s new findings' "$target" "${runs:-?}" "$corpus" "$found")")
    if [ "$found" -gt 0 ]; then
        echo "$target: findings in fuzz/artifacts/$target (see $log); keep each under fuzz/regressions/$target/" >&2
    fi
done

echo "fuzzed ${seconds} s per target:"
printf '%s\n' "${summary[@]}"
