//! `include/hxjwt.h` is generated from ffi/src by cbindgen and committed: this test fails when
//! the committed header differs from a fresh generation. `HXJWT_BLESS=1` (what `make header`
//! sets) rewrites it instead.

use std::path::Path;

#[test]
fn header_is_current() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let mut generated = Vec::new();
    cbindgen::generate(dir)
        .expect("cbindgen could not parse ffi/")
        .write(&mut generated);
    let path = Path::new(dir).join("../include/hxjwt.h");
    if std::env::var_os("HXJWT_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("cannot write include/hxjwt.h");
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "include/hxjwt.h is stale: run `make header` and commit the result"
    );
}
