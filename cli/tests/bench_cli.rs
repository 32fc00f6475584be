//! `hxjwt bench`: a short run prints one row per operation and thread count, with positive
//! counts, as a table and as JSON; bad arguments exit 2.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code: a failure should panic loudly"
)]

use std::process::{Command, Output};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_hxjwt");
const OPERATIONS: [&str; 4] = ["hx1-create", "hx1-validate", "hs256-encode", "hs256-decode"];

fn bench(args: &[&str]) -> Output {
    Command::new(BIN).arg("bench").args(args).output().unwrap()
}

#[test]
fn json_has_a_positive_row_per_operation_and_thread_count() {
    let out = bench(&[
        "--duration",
        "400ms",
        "--threads",
        "1,2",
        "--payload-size",
        "300",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // stderr is not a terminal here: no progress bar, no escape sequences.
    assert!(!out.stderr.contains(&b'\x1b'));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["hx1_payload_bytes"], 300);
    assert!(v["cpus"].as_u64().unwrap() >= 1);
    assert!((v["duration_seconds"].as_f64().unwrap() - 0.4).abs() < 1e-9);
    let rows = v["results"].as_array().unwrap();
    assert_eq!(rows.len(), 8);
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row["operation"], OPERATIONS[i % 4]);
        assert_eq!(row["threads"], if i < 4 { 1 } else { 2 });
        assert!(row["ops"].as_u64().unwrap() > 0, "{row}");
        assert!(row["seconds"].as_f64().unwrap() > 0.0, "{row}");
        let rate = row["ops_per_sec"].as_f64().unwrap();
        let per_thread = row["ops_per_sec_per_thread"].as_f64().unwrap();
        assert!(rate > 0.0 && rate.is_finite(), "{row}");
        let threads = row["threads"].as_f64().unwrap();
        assert!((per_thread * threads - rate).abs() <= rate * 1e-9, "{row}");
    }
}

#[test]
fn table_lists_each_operation_with_its_rates() {
    let out = bench(&["--duration", "200ms", "--threads", "2"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2 + OPERATIONS.len(), "{text}");
    assert!(
        lines[0].starts_with("hxjwt ") && lines[0].contains(" bench: "),
        "{text}"
    );
    assert_eq!(
        lines[1].split_whitespace().collect::<Vec<_>>(),
        ["operation", "threads", "ops/s", "ops/s/thread"]
    );
    for (line, op) in lines[2..].iter().zip(OPERATIONS) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(cols.len(), 4, "{line}");
        assert_eq!((cols[0], cols[1]), (op, "2"), "{line}");
        let rate: f64 = cols[2].parse().unwrap();
        let per_thread: f64 = cols[3].parse().unwrap();
        assert!(rate > 0.0 && per_thread > 0.0, "{line}");
    }
}

#[test]
fn bad_arguments_exit_2() {
    for args in [
        &["--threads", "0"][..],
        &["--duration", "0s"],
        &["--duration", "5 parsecs"],
        &["--duration", "10ms"],
        &["--payload-size", "99999999"],
    ] {
        let out = bench(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}
