//! uniffi's binding generator, built from the same uniffi version as
//! hawiya-ffi so that the generated Kotlin and Swift always match the
//! library. `scripts/bindings-generate.sh` runs it in library mode:
//! `uniffi-bindgen generate --language kotlin --out-dir DIR libhawiya_ffi.so`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
