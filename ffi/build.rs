//! Gives the shared library a versioned soname (`libhxjwt.so.0`), so that programs linked against
//! it keep loading a compatible version and `make install` can lay out the usual symlinks.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".to_owned());
    match os.as_str() {
        "linux" | "android" | "freebsd" | "netbsd" | "openbsd" | "dragonfly" | "illumos"
        | "solaris" => {
            println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libhxjwt.so.{major}");
        }
        _ => {}
    }
}
