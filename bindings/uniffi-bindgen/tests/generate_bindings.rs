//! The generator reads the library this same build made and writes the
//! Kotlin and Swift sources the apps and the Kotlin/Swift tests compile, in
//! the package and module names `bindings/uniffi.toml` sets. Runs without a
//! JDK or Swift, so a binding the generator cannot express fails
//! `cargo test` already.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The hawiya-ffi shared library of this build: cargo writes a dependency's
/// cdylib into `deps/` beside the binaries.
fn library() -> PathBuf {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_uniffi-bindgen"))
        .parent()
        .expect("the generator lives in a directory")
        .to_path_buf();
    let name = if cfg!(target_os = "macos") {
        "libhawiya_ffi.dylib"
    } else {
        "libhawiya_ffi.so"
    };
    let lib = bin_dir.join("deps").join(name);
    assert!(lib.is_file(), "{} was not built", lib.display());
    lib
}

/// A config that points the generator at bindings/uniffi.toml.
fn crate_roots(dir: &Path) -> PathBuf {
    let bindings = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("bindings/ holds this crate");
    let config = dir.join("crate-roots.toml");
    std::fs::write(
        &config,
        format!(
            "[crate-roots]\nhawiya_ffi = {:?}\n",
            bindings.display().to_string()
        ),
    )
    .expect("write the config");
    config
}

/// Runs the generator for `language` on this build's library, as
/// scripts/bindings-generate.sh does, and returns the output directory (in
/// a temporary directory that lives as long as the returned guard).
fn generate(language: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join(language);
    let run = Command::new(env!("CARGO_BIN_EXE_uniffi-bindgen"))
        .args(["generate", "--no-format", "--config"])
        .arg(crate_roots(dir.path()))
        .args(["--language", language, "--out-dir"])
        .arg(&out)
        .arg(library())
        .output()
        .expect("the generator starts");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    (dir, out)
}

#[test]
fn kotlin_sources_are_generated_in_package_hawiya_ffi() {
    let (_dir, out) = generate("kotlin");
    let source = std::fs::read_to_string(out.join("hawiya/ffi/hawiya_ffi.kt"))
        .expect("hawiya/ffi/hawiya_ffi.kt is written");
    assert!(source.contains("package hawiya.ffi"));
    // JNA loads the library by the name uniffi.toml gives.
    assert!(source.contains("\"hawiya_ffi\""));
    // The exported API is there: the wallet object and the verifier.
    assert!(source.contains("class Wallet"), "no Wallet class");
    assert!(source.contains("class Verifier"), "no Verifier class");
}

#[test]
fn swift_sources_name_the_modules_the_package_expects() {
    let (_dir, out) = generate("swift");
    let header = std::fs::read_to_string(out.join("hawiya_ffiFFI.h"))
        .expect("the C header hawiya_ffiFFI.h is written");
    assert!(header.contains("uniffi_hawiya_ffi_fn_"));
    let swift =
        std::fs::read_to_string(out.join("HawiyaFFI.swift")).expect("HawiyaFFI.swift is written");
    assert!(swift.contains("import hawiya_ffiFFI"));
    assert!(swift.contains("class Wallet"), "no Wallet class");
}

#[test]
fn a_missing_library_is_an_error_not_empty_output() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("kotlin");
    let run = Command::new(env!("CARGO_BIN_EXE_uniffi-bindgen"))
        .args([
            "generate",
            "--no-format",
            "--language",
            "kotlin",
            "--out-dir",
        ])
        .arg(&out)
        .arg(dir.path().join("libmissing.so"))
        .output()
        .expect("the generator starts");
    assert!(!run.status.success());
    assert!(!out.join("hawiya/ffi/hawiya_ffi.kt").exists());
}
