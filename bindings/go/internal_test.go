package hxjwt

import (
	"runtime"
	"testing"
	"time"
)

// A handle is freed exactly once, whatever the number of Close calls.
func TestCloseFreesOnce(t *testing.T) {
	freed := 0
	h := &handle[int]{ptr: new(int), free: func(*int) { freed++ }}
	p, err := h.acquire("thing")
	if err != nil || p == nil {
		t.Fatal(err)
	}
	h.release()
	h.close()
	h.close()
	if freed != 1 {
		t.Fatalf("freed %d times", freed)
	}
	if _, err := h.acquire("thing"); err == nil || err.(*Error).Kind != "InvalidArgument" {
		t.Fatalf("acquire after close: %v", err)
	}
}

// Finalizers free the handles that were never closed (a fallback to Close).
func TestFinalizersFreeForgottenHandles(t *testing.T) {
	const n = 200
	before := handlesFreed.Load()
	for i := 0; i < n; i++ {
		id, err := GenerateIdentity("forgotten.service")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := NewEndpoint(id, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := GenerateKey("HS256"); err != nil {
			t.Fatal(err)
		}
	}
	// Finalizers run on their own goroutine after a collection: collect until they have run.
	for i := 0; i < 1000 && handlesFreed.Load()-before < 3*n; i++ {
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	if got := handlesFreed.Load() - before; got < 3*n {
		t.Fatalf("%d of %d forgotten handles freed", got, 3*n)
	}
}
