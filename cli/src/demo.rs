//! `hxjwt demo`: the main job on built-in defaults, narrated.

use std::sync::Arc;

use hxjwt::{
    Clock as _, CreateOptions, Endpoint, ErrorKind, FixedClock, Identity, MemoryDirectory,
    SystemClock, dangerous,
};

use crate::style::Style;
use crate::{Failure, usage};

fn short(text: &str, keep: usize) -> String {
    if text.len() <= keep * 2 + 3 {
        return text.to_owned();
    }
    let head = text.get(..keep).unwrap_or(text);
    let tail = text.get(text.len() - keep..).unwrap_or("");
    format!("{head}…{tail}")
}

pub(crate) fn run() -> Result<(), Failure> {
    let s = Style::stdout();
    let step = |n: u32, title: &str| println!("\n{} {}", s.bold(&format!("{n}.")), s.bold(title));

    println!(
        "{}",
        s.bold("hxjwt demo: two services exchange sender-authenticated encrypted JWTs (HX1)")
    );

    step(
        1,
        "Each service gets an identity: a name and an X25519 key pair",
    );
    let alice = Identity::generate("alice.service")?;
    let bob = Identity::generate("bob.service")?;
    let carol = Identity::generate("carol.service")?;
    for id in [&alice, &bob, &carol] {
        let x = hxjwt::b64::encode(id.machine_token().public_key());
        println!("   {:<14} machine token x={}", id.name(), s.dim(&x));
    }

    step(
        2,
        "A directory (a JWK Set any web server can publish) maps names to machine tokens",
    );
    let directory = Arc::new(MemoryDirectory::new());
    for id in [&alice, &bob, &carol] {
        directory.insert(id.machine_token());
    }
    println!(
        "   {} names, {} bytes of JWK Set",
        directory.len(),
        directory.to_jwks().len()
    );

    let a = Endpoint::new(alice.clone()).with_shared_directory(directory.clone());
    let b = Endpoint::new(bob.clone())
        .with_shared_directory(directory.clone())
        .with_replay_protection();

    step(3, "alice.service sends bob.service an encrypted JWT");
    let claims = br#"{"sub":"order-7f3a","action":"refund","amount_cents":4200}"#;
    let token = a.create("bob.service", claims, &CreateOptions::with_ttl(300))?;
    let unverified = dangerous::decode_unverified(&token)?;
    println!("   token      {}", s.dim(&short(&token, 36)));
    println!(
        "   header     iss={} aud={} (signed, readable by routers)",
        unverified
            .header
            .get("iss")
            .map_or_else(String::new, ToString::to_string),
        unverified
            .header
            .get("aud")
            .map_or_else(String::new, ToString::to_string),
    );
    println!("   payload    AES-256-GCM ciphertext: only bob.service can read it");

    step(
        4,
        "bob.service validates it, finding alice's machine token by `iss` in the directory",
    );
    let message = b.validate(&token)?;
    println!(
        "   {} from {}: {}",
        s.green("✓ accepted"),
        message.issuer(),
        String::from_utf8_lossy(message.payload())
    );

    step(5, "Bad tokens are rejected, each with its own error kind");
    let mut failures = 0;
    let mut expect =
        |what: &str, result: hxjwt::Result<hxjwt::Message>, want: ErrorKind| match result {
            Err(e) if e.kind() == want => {
                println!("   {} {what}: {}", s.green("✓ rejected"), e);
            }
            Err(e) => {
                failures += 1;
                println!("   {} {what}: expected {want}, got {e}", s.red("✗"));
            }
            Ok(_) => {
                failures += 1;
                println!("   {} {what}: accepted, expected {want}", s.red("✗"));
            }
        };

    let mut tampered = token.clone().into_bytes();
    if let Some(c) = tampered.get_mut(token.len() - 10) {
        *c = if *c == b'A' { b'B' } else { b'A' };
    }
    let tampered = String::from_utf8(tampered).map_err(|_| usage("internal: token not UTF-8"))?;
    expect(
        "tampered signature",
        b.validate(&tampered),
        ErrorKind::InvalidSignature,
    );

    let ten_minutes_ago = SystemClock.now() - 600;
    let old = Endpoint::new(alice.clone())
        .with_shared_directory(directory.clone())
        .with_clock(FixedClock(ten_minutes_ago));
    let expired = old.create("bob.service", claims, &CreateOptions::with_ttl(60))?;
    expect(
        "expired one minute after it was made, nine minutes ago",
        b.validate(&expired),
        ErrorKind::Expired,
    );

    expect(
        "the first token, replayed",
        b.validate(&token),
        ErrorKind::Replayed,
    );

    let for_carol = a.create("carol.service", claims, &CreateOptions::default())?;
    expect(
        "meant for carol.service",
        b.validate(&for_carol),
        ErrorKind::WrongAudience,
    );

    let mallory = Endpoint::new(Identity::generate("mallory.service")?);
    let from_mallory =
        mallory.create_for(&bob.machine_token(), claims, &CreateOptions::default())?;
    expect(
        "from mallory.service, who is not in the directory",
        b.validate(&from_mallory),
        ErrorKind::UnknownIssuer,
    );

    let impostor = Endpoint::new(Identity::generate("alice.service")?);
    let forged = impostor.create_for(&bob.machine_token(), claims, &CreateOptions::default())?;
    expect(
        "claiming to be alice.service with another key",
        b.validate(&forged),
        ErrorKind::InvalidSignature,
    );

    if failures > 0 {
        return Err(usage(format!(
            "{failures} demo check(s) did not behave as expected"
        )));
    }
    println!("\n{}", s.green("All checks behaved as expected."));
    Ok(())
}
