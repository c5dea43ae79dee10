//! The uniffi binding generator, built from the same uniffi version as the
//! library so generated code always matches it. Used by
//! `scripts/bindings-generate.sh` in library mode.

fn main() {
    uniffi::uniffi_bindgen_main()
}
