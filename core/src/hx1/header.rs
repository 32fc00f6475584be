//! The HX1 protected header: parsed strictly and without detours (PROTOCOL.md §3–4).

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use crate::error::{Error, ErrorKind, Result, quote};

/// The `channelSecurityContext` of HX1 v1.
pub const CONTEXT_V1: &str = "HX1-X25519-A256KW-A256GCM";
/// The largest integer accepted in `iat`/`exp`/`nbf` (2^53, the exact range of a JSON number).
pub const MAX_NUMERIC_DATE: u64 = 1 << 53;
/// The longest `jti` accepted, in bytes.
pub const MAX_JTI_LEN: usize = 128;
/// The longest `cty` accepted, in bytes.
pub const MAX_CTY_LEN: usize = 255;

/// The members of a header that passed the checks of PROTOCOL.md §4.2.
#[derive(Debug)]
pub(crate) struct Header<'a> {
    pub kid: Cow<'a, str>,
    pub iss: Cow<'a, str>,
    pub aud: Cow<'a, str>,
    pub iat: i64,
    pub exp: i64,
    pub nbf: Option<i64>,
    pub jti: Option<Cow<'a, str>>,
    pub cty: Option<Cow<'a, str>>,
}

/// Parses and checks the decoded header bytes.
pub(crate) fn parse(bytes: &[u8]) -> Result<Header<'_>> {
    let failure = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed = HeaderSeed { failure: &failure }
        .deserialize(&mut de)
        .and_then(|h| de.end().map(|()| h));
    match parsed {
        Ok(h) => Ok(h),
        Err(e) => Err(failure
            .into_inner()
            .unwrap_or_else(|| Error::malformed(format!("header is not valid JSON: {e}")))),
    }
}

struct HeaderSeed<'f> {
    failure: &'f RefCell<Option<Error>>,
}

impl HeaderSeed<'_> {
    fn fail<E: de::Error>(&self, e: Error) -> E {
        let msg = e.to_string();
        *self.failure.borrow_mut() = Some(e);
        E::custom(msg)
    }
}

impl<'de> DeserializeSeed<'de> for HeaderSeed<'_> {
    type Value = Header<'de>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

/// A string member: borrowed when it has no escapes.
struct Str<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Str<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Visitor<'de> for HeaderSeed<'_> {
    type Value = Header<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut alg = None;
        let mut typ = None;
        let mut kid = None;
        let mut iss = None;
        let mut aud = None;
        let mut iat = None;
        let mut exp = None;
        let mut nbf = None;
        let mut jti = None;
        let mut cty = None;
        let mut ctx = None;

        while let Some(Str(key)) = map.next_key::<Str<'de>>()? {
            macro_rules! once {
                ($slot:ident, $name:literal, $ty:ty) => {{
                    if $slot.is_some() {
                        return Err(self.fail(Error::malformed(concat!(
                            "header has the member \"",
                            $name,
                            "\" twice"
                        ))));
                    }
                    match map.next_value::<$ty>() {
                        Ok(v) => $slot = Some(v),
                        Err(_) => {
                            return Err(self.fail(Error::malformed(concat!(
                                "header member \"",
                                $name,
                                "\" has the wrong type"
                            ))));
                        }
                    }
                }};
            }
            match &*key {
                "alg" => once!(alg, "alg", Str<'de>),
                "typ" => once!(typ, "typ", Str<'de>),
                "kid" => once!(kid, "kid", Str<'de>),
                "iss" => once!(iss, "iss", Str<'de>),
                "aud" => once!(aud, "aud", Str<'de>),
                "iat" => once!(iat, "iat", u64),
                "exp" => once!(exp, "exp", u64),
                "nbf" => once!(nbf, "nbf", u64),
                "jti" => once!(jti, "jti", Str<'de>),
                "cty" => once!(cty, "cty", Str<'de>),
                "channelSecurityContext" => {
                    once!(ctx, "channelSecurityContext", Str<'de>);
                }
                "crit" => {
                    return Err(self.fail(Error::new(
                        ErrorKind::UnknownHeader,
                        "header has a \"crit\" member; HX1 v1 defines no extensions",
                    )));
                }
                other => {
                    let msg = format!("header has the unknown member {}", quote(other));
                    // Consume nothing more: the token is rejected whatever follows.
                    let _ = map.next_value::<IgnoredAny>();
                    return Err(self.fail(Error::new(ErrorKind::UnknownHeader, msg)));
                }
            }
        }

        let missing = |name: &str| Error::malformed(format!("header is missing \"{name}\""));
        let alg = alg
            .ok_or_else(|| missing("alg"))
            .map_err(|e| self.fail(e))?;
        if alg.0 != "HS256" {
            return Err(self.fail(Error::new(
                ErrorKind::UnsupportedAlgorithm,
                format!("alg must be \"HS256\", not {}", quote(&alg.0)),
            )));
        }
        let ctx = ctx
            .ok_or_else(|| missing("channelSecurityContext"))
            .map_err(|e| self.fail(e))?;
        if ctx.0 != CONTEXT_V1 {
            return Err(self.fail(Error::new(
                ErrorKind::UnsupportedAlgorithm,
                format!(
                    "channelSecurityContext must be \"{CONTEXT_V1}\", not {}",
                    quote(&ctx.0)
                ),
            )));
        }
        let typ = typ
            .ok_or_else(|| missing("typ"))
            .map_err(|e| self.fail(e))?;
        if typ.0 != "JWT" {
            return Err(self.fail(Error::malformed(format!(
                "typ must be \"JWT\", not {}",
                quote(&typ.0)
            ))));
        }
        let date = |v: Option<u64>, name: &str| -> Result<Option<i64>> {
            match v {
                None => Ok(None),
                Some(n) if n <= MAX_NUMERIC_DATE => Ok(i64::try_from(n).ok()),
                Some(_) => Err(Error::malformed(format!(
                    "header member \"{name}\" is larger than 2^53"
                ))),
            }
        };
        let iat = date(iat, "iat")
            .and_then(|v| v.ok_or_else(|| missing("iat")))
            .map_err(|e| self.fail(e))?;
        let exp = date(exp, "exp")
            .and_then(|v| v.ok_or_else(|| missing("exp")))
            .map_err(|e| self.fail(e))?;
        let nbf = date(nbf, "nbf").map_err(|e| self.fail(e))?;
        if exp <= iat {
            return Err(self.fail(Error::malformed(
                "header member \"exp\" is not after \"iat\"",
            )));
        }
        let kid = kid
            .ok_or_else(|| missing("kid"))
            .map_err(|e| self.fail(e))?
            .0;
        let iss = iss
            .ok_or_else(|| missing("iss"))
            .map_err(|e| self.fail(e))?
            .0;
        let aud = aud
            .ok_or_else(|| missing("aud"))
            .map_err(|e| self.fail(e))?
            .0;
        for (value, name) in [(&iss, "iss"), (&aud, "aud")] {
            if let Err(e) = super::keys::check_name(value, name) {
                return Err(self.fail(Error::malformed(format!("header: {}", e.detail()))));
            }
        }
        for (value, name) in [(&jti, "jti"), (&cty, "cty")] {
            if value
                .as_ref()
                .is_some_and(|v| crate::json::has_control(&v.0))
            {
                return Err(self.fail(Error::malformed(format!(
                    "header member \"{name}\" contains a control character"
                ))));
            }
        }
        if let Some(j) = &jti {
            if j.0.len() > MAX_JTI_LEN {
                return Err(self.fail(Error::malformed(format!(
                    "header member \"jti\" is longer than {MAX_JTI_LEN} bytes"
                ))));
            }
        }
        if let Some(c) = &cty {
            if c.0.len() > MAX_CTY_LEN {
                return Err(self.fail(Error::malformed(format!(
                    "header member \"cty\" is longer than {MAX_CTY_LEN} bytes"
                ))));
            }
        }
        Ok(Header {
            kid,
            iss,
            aud,
            iat,
            exp,
            nbf,
            jti: jti.map(|s| s.0),
            cty: cty.map(|s| s.0),
        })
    }
}

/// Writes the header of PROTOCOL.md §3 step 3, compact, members in the normative order;
/// optional members follow `channelSecurityContext` in the order nbf, jti, cty.
#[allow(clippy::too_many_arguments, reason = "one argument per header member")]
pub(crate) fn write(
    kid: &str,
    iss: &str,
    aud: &str,
    iat: i64,
    exp: i64,
    nbf: Option<i64>,
    jti: Option<&str>,
    cty: Option<&str>,
) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(256 + iss.len() + aud.len());
    out.push_str(r#"{"alg":"HS256","typ":"JWT","kid":""#);
    out.push_str(kid);
    out.push_str(r#"","iss":"#);
    push_json_str(&mut out, iss);
    out.push_str(r#","aud":"#);
    push_json_str(&mut out, aud);
    let _ = write!(
        out,
        r#","iat":{iat},"exp":{exp},"channelSecurityContext":"{CONTEXT_V1}""#
    );
    if let Some(nbf) = nbf {
        let _ = write!(out, r#","nbf":{nbf}"#);
    }
    if let Some(jti) = jti {
        out.push_str(r#","jti":"#);
        push_json_str(&mut out, jti);
    }
    if let Some(cty) = cty {
        out.push_str(r#","cty":"#);
        push_json_str(&mut out, cty);
    }
    out.push('}');
    out
}

/// Appends `s` as a JSON string literal (`serde_json`'s escaping).
fn push_json_str(out: &mut String, s: &str) {
    match serde_json::to_string(s) {
        Ok(quoted) => out.push_str(&quoted),
        // Serializing a &str cannot fail; keep a valid (empty) literal if it ever did.
        Err(_) => out.push_str("\"\""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(extra: &str) -> String {
        format!(
            r#"{{"alg":"HS256","typ":"JWT","kid":"k","iss":"a","aud":"b","iat":1,"exp":2,"channelSecurityContext":"{CONTEXT_V1}"{extra}}}"#
        )
    }

    fn kind(h: &str) -> ErrorKind {
        parse(h.as_bytes()).unwrap_err().kind()
    }

    #[test]
    fn writes_what_it_parses() {
        let w = write("k", "a", "b", 1, 2, Some(1), Some("j\"x"), Some("json"));
        let h = parse(w.as_bytes()).unwrap();
        assert_eq!(
            (&*h.iss, &*h.aud, h.iat, h.exp, h.nbf),
            ("a", "b", 1, 2, Some(1))
        );
        assert_eq!(h.jti.as_deref(), Some("j\"x"));
        assert_eq!(write("k", "a", "b", 1, 2, None, None, None), header(""));
    }

    #[test]
    fn checks_each_member() {
        assert!(parse(header("").as_bytes()).is_ok());
        assert_eq!(kind(&header(r#","x":1"#)), ErrorKind::UnknownHeader);
        assert_eq!(kind(&header(r#","crit":["x"]"#)), ErrorKind::UnknownHeader);
        assert_eq!(kind(&header(r#","iss":"a""#)), ErrorKind::Malformed);
        assert_eq!(
            kind(&header("").replace("HS256", "hs256")),
            ErrorKind::UnsupportedAlgorithm
        );
        assert_eq!(
            kind(&header("").replace("HS256", "none")),
            ErrorKind::UnsupportedAlgorithm
        );
        assert_eq!(
            kind(&header("").replace("A256GCM", "A128GCM")),
            ErrorKind::UnsupportedAlgorithm
        );
        assert_eq!(
            kind(&header("").replace(r#""iat":1"#, r#""iat":1.0"#)),
            ErrorKind::Malformed
        );
        assert_eq!(
            kind(&header("").replace(r#""iat":1"#, r#""iat":-1"#)),
            ErrorKind::Malformed
        );
        assert_eq!(
            kind(&header("").replace(r#""iat":1"#, r#""iat":"1""#)),
            ErrorKind::Malformed
        );
        assert_eq!(
            kind(&header("").replace(r#""exp":2"#, r#""exp":9007199254740993"#)),
            ErrorKind::Malformed
        );
        assert_eq!(
            kind(&header("").replace(r#""exp":2"#, r#""exp":1"#)),
            ErrorKind::Malformed
        );
        assert_eq!(
            kind(&header("").replace(r#""iss":"a""#, r#""iss":7"#)),
            ErrorKind::Malformed
        );
        assert_eq!(
            kind(&header("").replace(r#""iss":"a""#, r#""iss":"""#)),
            ErrorKind::Malformed
        );
        assert_eq!(
            kind(&header("").replace(r#","typ":"JWT""#, "")),
            ErrorKind::Malformed
        );
        assert_eq!(
            kind(&header(r#","jti":"x"#).replace("\"x}", &format!("\"{}\"}}", "j".repeat(129)))),
            ErrorKind::Malformed
        );
        assert_eq!(kind(&header(r#","jti":"a\u0000b""#)), ErrorKind::Malformed);
        assert_eq!(kind(&header(r#","cty":"a\nb""#)), ErrorKind::Malformed);
        assert_eq!(kind("[]"), ErrorKind::Malformed);
        assert_eq!(kind("{"), ErrorKind::Malformed);
        assert_eq!(
            kind(&format!("{} ", header("")).replace("} ", "}x")),
            ErrorKind::Malformed
        );
    }

    #[test]
    fn escaped_strings_are_read_correctly() {
        let h = header("").replace(r#""iss":"a""#, r#""iss":"\u0061""#);
        assert_eq!(parse(h.as_bytes()).unwrap().iss, "a");
    }
}
