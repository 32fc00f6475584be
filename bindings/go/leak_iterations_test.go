//go:build !race

package hxjwt_test

// leakIterations is the number of create/validate calls of TestNoLeak. Under the race detector
// (go test -race, which makes each call many times slower) leak_iterations_race_test.go sets a
// smaller number, and the bound on growth scales with it.
const leakIterations = 100_000

// jweLeakIterations is the number of rounds of TestJWENoLeak (its bound scales with it).
const jweLeakIterations = 10_000
