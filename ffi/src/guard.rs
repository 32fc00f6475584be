//! Where errors and panics become C values, and where C pointers become Rust references.
//!
//! Every fallible export runs its body in [`guard`]: a returned [`Fail`] becomes its status and
//! the thread-local last-error message, a panic becomes `HX_ERR_INTERNAL` (a panic unwinding out
//! of an `extern "C"` function would abort the process). The `arg_*` helpers turn raw arguments
//! into references, failing with `HX_ERR_INVALID_ARGUMENT` and a message naming the argument.

use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::status::HxStatus;

/// Why a call failed: its status, a message for people (never key material), and the claim or
/// header member it is about, if any.
#[derive(Debug)]
pub(crate) struct Fail {
    pub(crate) status: HxStatus,
    pub(crate) message: String,
    pub(crate) claim: Option<Box<str>>,
}

impl Fail {
    /// `HX_ERR_INVALID_ARGUMENT` with `message`.
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Fail {
            status: HxStatus::HxErrInvalidArgument,
            message: format!("InvalidArgument: {}", message.into()),
            claim: None,
        }
    }

    /// `HX_ERR_INTERNAL` with `message`.
    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Fail {
            status: HxStatus::HxErrInternal,
            message: format!("Internal: {}", message.into()),
            claim: None,
        }
    }
}

impl From<hxjwt::Error> for Fail {
    fn from(e: hxjwt::Error) -> Self {
        Fail {
            status: HxStatus::from_kind(e.kind()),
            message: e.to_string(),
            claim: e.claim().map(Box::from),
        }
    }
}

/// The result type of guarded bodies.
pub(crate) type FfiResult<T = ()> = Result<T, Fail>;

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
    static LAST_CLAIM: RefCell<Option<CString>> = const { RefCell::new(None) };
}

/// Records why the last call failed (`""` and no claim after a success).
fn set_last_error(message: &str, claim: Option<&str>) {
    set_last_message(message);
    // Never panics, as in set_last_message. A claim name with a NUL cannot be a C string: it is
    // recorded as absent rather than truncated.
    let _ = LAST_CLAIM.try_with(|cell| {
        if let Ok(mut slot) = cell.try_borrow_mut() {
            *slot = claim.and_then(|c| CString::new(c).ok());
        }
    });
}

fn set_last_message(message: &str) {
    // Never panics: the cell may be unavailable while the thread exits, and is never borrowed
    // across a call that could reach this function again.
    let _ = LAST_ERROR.try_with(|cell| {
        if let Ok(mut slot) = cell.try_borrow_mut() {
            if message.is_empty() {
                if !slot.is_empty() {
                    *slot = CString::default();
                }
            } else {
                let clean = message.replace('\0', "\\0");
                *slot = CString::new(clean).unwrap_or_default();
            }
        }
    });
}

/// Runs the body of a fallible export: `Ok` -> `HX_OK` (and an empty last-error message), a
/// [`Fail`] -> its status and message, a panic -> `HX_ERR_INTERNAL` (the payload is dropped unread:
/// it could hold anything).
pub(crate) fn guard(body: impl FnOnce() -> FfiResult) -> HxStatus {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => {
            set_last_error("", None);
            HxStatus::HxOk
        }
        Ok(Err(fail)) => {
            set_last_error(&fail.message, fail.claim.as_deref());
            fail.status
        }
        Err(_) => {
            set_last_error(
                "Internal: a panic was caught at the C boundary (a bug in hxjwt)",
                None,
            );
            HxStatus::HxErrInternal
        }
    }
}

/// Runs the body of an export that returns nothing (the `*_free` functions); a panic is
/// swallowed after setting the last-error message.
pub(crate) fn guard_void(body: impl FnOnce()) {
    if catch_unwind(AssertUnwindSafe(body)).is_err() {
        set_last_error(
            "Internal: a panic was caught at the C boundary (a bug in hxjwt)",
            None,
        );
    }
}

/// Why the last fallible `hx_*` call on this thread failed: `"Expired: the token expired at ..."`
/// (the error kind, a colon, and a message naming the member, segment or argument at fault), or
/// `""` after a success. Never NULL and never contains key material. The string is owned by the
/// library and valid until the next `hx_*` call on this thread; copy it to keep it.
#[unsafe(no_mangle)]
pub extern "C" fn hx_last_error_message() -> *const c_char {
    LAST_ERROR
        .try_with(|cell| cell.try_borrow().map(|s| s.as_ptr()).ok())
        .ok()
        .flatten()
        .unwrap_or(c"".as_ptr())
}

/// The claim (or header member, such as `"typ"`) that the last failed `hx_*` call on this thread
/// is about: `"exp"` for `HX_ERR_EXPIRED`, the missing claim for `HX_ERR_MISSING_CLAIM`, `"aud"`
/// for `HX_ERR_WRONG_AUDIENCE` from `hx_jwt_decode`, and so on. NULL when the last call succeeded
/// or its failure is about no claim (a bad signature, a malformed token, an HX1 token). The
/// string is owned by the library and valid until the next `hx_*` call on this thread, like
/// `hx_last_error_message()`.
#[unsafe(no_mangle)]
pub extern "C" fn hx_last_error_claim() -> *const c_char {
    LAST_CLAIM
        .try_with(|cell| {
            cell.try_borrow()
                .ok()
                .and_then(|c| c.as_ref().map(|c| c.as_ptr()))
        })
        .ok()
        .flatten()
        .unwrap_or(std::ptr::null())
}

/// A shared reference to the handle behind `ptr`; NULL fails naming `name`.
///
/// # Safety
/// `ptr` is NULL or points to a live `T` that is not mutated for `'a`.
pub(crate) unsafe fn arg_ref<'a, T>(ptr: *const T, name: &str) -> FfiResult<&'a T> {
    // SAFETY: the caller guarantees that a non-NULL `ptr` points to a live `T`.
    unsafe { ptr.as_ref() }.ok_or_else(|| Fail::invalid(format!("{name} is NULL")))
}

/// The out-parameter slot behind `ptr`; NULL fails naming `name`. Write it only on success.
///
/// # Safety
/// `ptr` is NULL or valid for writes of one `T` (its old value is not read or dropped).
pub(crate) unsafe fn arg_out<'a, T>(ptr: *mut T, name: &str) -> FfiResult<&'a mut T> {
    // SAFETY: the caller guarantees that a non-NULL `ptr` is valid for writes; `T` is a pointer
    // or integer type here, so no drop glue runs on the old value when the slot is assigned.
    unsafe { ptr.as_mut() }.ok_or_else(|| Fail::invalid(format!("{name} is NULL")))
}

/// The UTF-8 string behind `ptr`; NULL or invalid UTF-8 fails naming `name`.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that lives and is unchanged for `'a`.
pub(crate) unsafe fn arg_str<'a>(ptr: *const c_char, name: &str) -> FfiResult<&'a str> {
    // SAFETY: forwarded from the caller.
    unsafe { opt_str(ptr, name) }?.ok_or_else(|| Fail::invalid(format!("{name} is NULL")))
}

/// Like [`arg_str`], but NULL is `None`.
///
/// # Safety
/// As [`arg_str`].
pub(crate) unsafe fn opt_str<'a>(ptr: *const c_char, name: &str) -> FfiResult<Option<&'a str>> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: `ptr` is not NULL and the caller guarantees it is NUL-terminated and live for 'a.
    let text = unsafe { CStr::from_ptr(ptr) };
    text.to_str()
        .map(Some)
        .map_err(|e| Fail::invalid(format!("{name} is not valid UTF-8 ({e})")))
}

/// The `len` UTF-8 strings of the array behind `ptr`; NULL is accepted only with `len == 0`, and
/// a NULL or invalid element fails naming it (`"algorithms[1] is NULL"`).
///
/// # Safety
/// `ptr` is NULL or valid for reads of `len` pointers, each NULL or to a NUL-terminated string,
/// all live and unchanged for `'a`.
pub(crate) unsafe fn arg_str_array<'a>(
    ptr: *const *const c_char,
    len: usize,
    name: &str,
) -> FfiResult<Vec<&'a str>> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(Vec::new())
        } else {
            Err(Fail::invalid(format!(
                "{name} is NULL but its length is {len}"
            )))
        };
    }
    if len > isize::MAX as usize / std::mem::size_of::<*const c_char>() {
        return Err(Fail::invalid(format!("the length of {name} is too large")));
    }
    // SAFETY: `ptr` is not NULL, the caller guarantees `len` readable pointers, and their size in
    // bytes fits in an isize (checked above).
    let items = unsafe { std::slice::from_raw_parts(ptr, len) };
    items
        .iter()
        .enumerate()
        // SAFETY: each element is NULL or a live NUL-terminated string (the caller's guarantee).
        .map(|(i, &item)| unsafe { arg_str(item, &format!("{name}[{i}]")) })
        .collect()
}

/// The bytes behind `ptr`/`len`; NULL is accepted only with `len == 0`.
///
/// # Safety
/// `ptr` is NULL or valid for reads of `len` bytes that stay unchanged for `'a`.
pub(crate) unsafe fn arg_bytes<'a>(ptr: *const u8, len: usize, name: &str) -> FfiResult<&'a [u8]> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(Fail::invalid(format!(
                "{name} is NULL but its length is {len}"
            )))
        };
    }
    if isize::try_from(len).is_err() {
        return Err(Fail::invalid(format!("the length of {name} is too large")));
    }
    // SAFETY: `ptr` is not NULL, the caller guarantees `len` readable bytes, and `len` fits
    // in an isize (checked above).
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Moves `value` to the heap for C; free it with [`free_handle`].
pub(crate) fn into_handle<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Drops a handle made by [`into_handle`]; NULL is a no-op.
///
/// # Safety
/// `ptr` is NULL or came from `into_handle::<T>` and was not freed before; nothing uses it after.
pub(crate) unsafe fn free_handle<T>(ptr: *mut T) {
    if !ptr.is_null() {
        guard_void(|| {
            // SAFETY: the caller guarantees `ptr` came from `Box::into_raw` and is freed once.
            drop(unsafe { Box::from_raw(ptr) });
        });
    }
}

/// Copies `text` into a new `malloc()`-allocated NUL-terminated string, freed by
/// `hx_string_free`.
pub(crate) fn c_string(text: &str) -> FfiResult<*mut c_char> {
    if text.as_bytes().contains(&0) {
        return Err(Fail::internal("a string for C contains a NUL byte"));
    }
    let len = text.len();
    let size = len
        .checked_add(1)
        .ok_or_else(|| Fail::internal("string too long"))?;
    // SAFETY: malloc may be called with any size; the result is checked for NULL below.
    let buf = unsafe { libc::malloc(size) }.cast::<u8>();
    if buf.is_null() {
        return Err(Fail::internal("out of memory"));
    }
    // SAFETY: `buf` is valid for `len + 1` bytes, `text` for `len` bytes, and the two do not
    // overlap (`buf` is fresh).
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), buf, len);
        buf.add(len).write(0);
    }
    Ok(buf.cast::<c_char>())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn last_error() -> String {
        // SAFETY: hx_last_error_message never returns NULL and the string lives until the next
        // call on this thread.
        unsafe { CStr::from_ptr(hx_last_error_message()) }
            .to_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn a_panic_becomes_internal() {
        let status = guard(|| panic!("secret payload"));
        assert_eq!(status, HxStatus::HxErrInternal);
        let message = last_error();
        assert!(message.starts_with("Internal:"), "{message}");
        assert!(!message.contains("secret payload"));
        guard_void(|| panic!("in a free"));
        assert!(last_error().starts_with("Internal:"));
    }

    #[test]
    fn success_clears_the_message_and_failures_set_it() {
        assert_eq!(
            guard(|| Err(Fail::invalid("x is NULL"))),
            HxStatus::HxErrInvalidArgument
        );
        assert_eq!(last_error(), "InvalidArgument: x is NULL");
        assert_eq!(guard(|| Ok(())), HxStatus::HxOk);
        assert_eq!(last_error(), "");
        let e = hxjwt::Error::new(hxjwt::ErrorKind::Expired, "late\0r");
        assert_eq!(guard(|| Err(e.into())), HxStatus::HxErrExpired);
        assert_eq!(last_error(), "Expired: late\\0r");
    }

    #[test]
    fn the_claim_of_the_last_error_is_kept_until_the_next_call() {
        let claim = || {
            let p = hx_last_error_claim();
            // SAFETY: a non-NULL result is a NUL-terminated string valid until the next call.
            (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned())
        };
        let e = hxjwt::Error::new(hxjwt::ErrorKind::MissingClaim, "no exp").with_claim("exp");
        assert_eq!(guard(|| Err(e.into())), HxStatus::HxErrMissingClaim);
        assert_eq!(claim().as_deref(), Some("exp"));
        assert_eq!(
            guard(|| Err(Fail::invalid("x is NULL"))),
            HxStatus::HxErrInvalidArgument
        );
        assert_eq!(claim(), None);
        let e = hxjwt::Error::new(hxjwt::ErrorKind::InvalidClaim, "bad").with_claim("a\0b");
        assert_eq!(guard(|| Err(e.into())), HxStatus::HxErrInvalidClaim);
        assert_eq!(claim(), None, "a claim name with a NUL is not truncated");
        let e = hxjwt::Error::new(hxjwt::ErrorKind::Expired, "late").with_claim("exp");
        assert_eq!(guard(|| Err(e.into())), HxStatus::HxErrExpired);
        assert_eq!(guard(|| Ok(())), HxStatus::HxOk);
        assert_eq!(claim(), None);
        assert!(guard(|| panic!("boom")) == HxStatus::HxErrInternal && claim().is_none());
    }

    #[test]
    fn arguments_are_checked() {
        // SAFETY: NULL and valid pointers only.
        unsafe {
            assert!(arg_ref::<u8>(std::ptr::null(), "p").is_err());
            assert!(arg_str(std::ptr::null(), "s").is_err());
            assert_eq!(opt_str(std::ptr::null(), "s").unwrap(), None);
            assert!(arg_str(c"\xff\xfe".as_ptr(), "s").is_err());
            assert_eq!(arg_str(c"ok".as_ptr(), "s").unwrap(), "ok");
            assert!(arg_bytes(std::ptr::null(), 0, "b").unwrap().is_empty());
            assert!(arg_bytes(std::ptr::null(), 1, "b").is_err());
            assert!(arg_str_array(std::ptr::null(), 0, "a").unwrap().is_empty());
            assert!(arg_str_array(std::ptr::null(), 1, "a").is_err());
            let items = [c"x".as_ptr(), std::ptr::null()];
            assert_eq!(arg_str_array(items.as_ptr(), 1, "a").unwrap(), ["x"]);
            let e = arg_str_array(items.as_ptr(), 2, "a").unwrap_err();
            assert_eq!(e.message, "InvalidArgument: a[1] is NULL");
        }
    }

    #[test]
    fn c_strings_are_nul_terminated() {
        let p = c_string("h\u{e9}llo").unwrap();
        // SAFETY: `p` is a fresh NUL-terminated string from c_string.
        unsafe {
            assert_eq!(CStr::from_ptr(p).to_str().unwrap(), "h\u{e9}llo");
            crate::hx_string_free(p);
        }
        assert!(c_string("a\0b").is_err());
    }
}
