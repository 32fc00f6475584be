//! C ABI for hxjwt.
