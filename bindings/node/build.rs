//! Links the addon the way Node loads it.

fn main() {
    // For `x86_64-pc-windows-gnu`, napi-build links `-lnode` from `LIBNODE_PATH`: a directory with
    // an import library of `node.exe` (scripts/windows.sh makes one), so the addon imports N-API
    // from `node.exe` as official addons do. A new directory must relink.
    println!("cargo:rerun-if-env-changed=LIBNODE_PATH");
    println!("cargo:rerun-if-changed=build.rs");
    napi_build::setup();
}
