//! The README's quick start, as a program: `cargo run -p hxjwt --example quickstart`.

use std::sync::Arc;

use hxjwt::{CreateOptions, Endpoint, ErrorKind, Identity, MemoryDirectory};

fn main() -> Result<(), hxjwt::Error> {
    // Each service has an identity; its public half (the machine token) goes in a directory.
    let alice = Identity::generate("alice.service")?;
    let bob = Identity::generate("bob.service")?;
    let directory = Arc::new(MemoryDirectory::new());
    directory.insert(alice.machine_token());
    directory.insert(bob.machine_token());

    // alice sends bob an encrypted, signed JWT; bob validates it and reads the payload.
    let a = Endpoint::new(alice).with_shared_directory(directory.clone());
    let b = Endpoint::new(bob).with_shared_directory(directory);
    let token = a.create("bob.service", br#"{"order":42}"#, &CreateOptions::default())?;
    let message = b.validate(&token)?;
    println!(
        "{} says {}",
        message.issuer(),
        String::from_utf8_lossy(message.payload())
    );

    // A token for someone else is rejected with a precise error kind.
    match a.validate(&token) {
        Err(err) if err.kind() == ErrorKind::WrongAudience => {
            println!("alice reading bob's token: {err}");
            Ok(())
        }
        other => Err(hxjwt::Error::new(
            ErrorKind::Internal,
            format!("expected WrongAudience, got {other:?}"),
        )),
    }
}
