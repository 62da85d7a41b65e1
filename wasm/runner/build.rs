//! Links the library with `-z nodelete` on Linux: PHP unloads an FFI library at the end of every
//! request, which would throw away the compiled module the runner keeps for the next request of
//! the same PHP-FPM worker (runner.rs, COMPILED).
fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-z,nodelete");
    }
}
