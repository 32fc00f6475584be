//go:build race

package hxjwt_test

// leakIterations under the race detector: fewer calls, to keep `go test -race` moderate; the
// test still runs (and its bound scales with the count). See leak_iterations_test.go.
const leakIterations = 10_000

// jweLeakIterations is the number of rounds of TestJWENoLeak (its bound scales with it).
const jweLeakIterations = 2_000
