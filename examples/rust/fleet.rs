//! The README's "Across a fleet", as a program: two instances of one service share a Redis
//! replay store, so a token is accepted once whichever instance sees it first.
//!
//! ```sh
//! HXJWT_REDIS_URL=redis://127.0.0.1:6379 cargo run -p hxjwt --features redis --example fleet
//! ```
//! (`make examples` runs it against a private redis-server: mk/with-redis.sh.)

use std::sync::Arc;

use hxjwt::jws::{self, Algorithm, Header, Key, Validation};
use hxjwt::store::redis::RedisReplayStore;
use hxjwt::{CreateOptions, Endpoint, ErrorKind, Identity};

fn main() -> Result<(), hxjwt::Error> {
    let url = std::env::var("HXJWT_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let alice = Identity::generate("alice.service")?;
    let bob = Identity::generate("bob.service")?;

    // Two instances of bob.service (two processes in real life, each with its own connection
    // pool), sharing one Redis. ping() fails at start-up rather than at the first token.
    let store_1 = Arc::new(RedisReplayStore::new(&url)?);
    store_1.ping()?;
    let instance_1 = Endpoint::new(bob.clone()).with_replay_store(store_1);
    let instance_2 =
        Endpoint::new(bob.clone()).with_replay_store(Arc::new(RedisReplayStore::new(&url)?));

    let token = Endpoint::new(alice.clone()).create_for(
        &bob.machine_token(),
        br#"{"charge":42}"#,
        &CreateOptions::default(),
    )?;
    let message = instance_1.validate_from(&token, &alice.machine_token())?;
    println!(
        "instance 1 accepts: {}",
        String::from_utf8_lossy(message.payload())
    );
    let replay = instance_2.validate_from(&token, &alice.machine_token());
    match replay {
        Err(e) if e.kind() == ErrorKind::Replayed => println!("instance 2 refuses the replay: {e}"),
        other => {
            let what = format!("a replay must be refused, got {:?}", other.map(drop));
            return Err(hxjwt::Error::new(ErrorKind::Internal, what));
        }
    }

    // A one-time standard JWT (a jti), accepted once by every verifier sharing the store.
    let key = Key::generate(Algorithm::ES256)?;
    let once = jws::encode(
        &Header::new(Algorithm::ES256),
        &serde_json::json!({"sub": "user-7", "jti": "reset-password-1f3a", "exp": 4_000_000_000u64}),
        &key,
    )?;
    let v =
        Validation::new(&[Algorithm::ES256]).replay_store(Arc::new(RedisReplayStore::new(&url)?));
    let verifier = key.to_public()?;
    jws::decode_bytes(&once, &verifier, &v)?;
    let again = jws::decode_bytes(&once, &verifier, &v).map(drop);
    println!(
        "the one-time JWT a second time: {}",
        again.map_or_else(|e| e.to_string(), |()| "accepted?!".into())
    );
    Ok(())
}
