package hxjwt

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
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

// Finalizers free forgotten JWE keys and decryptions too.
func TestFinalizersFreeForgottenJWEHandles(t *testing.T) {
	const n = 200
	before := handlesFreed.Load()
	for i := 0; i < n; i++ {
		k, err := GenerateJWEKey("oct-32")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := k.WithKid("copy"); err != nil {
			t.Fatal(err)
		}
		if _, err := NewJWEDecryption(JWEOptions{Algorithms: []string{"dir"}, Encryptions: []string{"A256GCM"}}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 1000 && handlesFreed.Load()-before < 3*n; i++ {
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	if got := handlesFreed.Load() - before; got < 3*n {
		t.Fatalf("%d of %d forgotten JWE handles freed", got, 3*n)
	}
}

// notWrapped are the functions of include/hxjwt.h this package does not call, by name, each with
// its reason; every other function of the header must be called (by a C wrapper of hxgo.h or
// hxgo.c, or from Go), so that a function added to the header without a wrapper fails here.
var notWrapped = map[string]string{
	"hx_create_jwt": "hx_create_jwt_ex does all it does (Create with no option)",
}

func TestEveryHeaderFunctionIsWrapped(t *testing.T) {
	header, err := os.ReadFile(filepath.Join("..", "..", "include", "hxjwt.h"))
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	for _, m := range regexp.MustCompile(`\b(hx_[a-z0-9_]+)\(`).FindAllStringSubmatch(string(header), -1) {
		declared[m[1]] = true
	}
	// What this package's sources call: C.hx_<name> from Go, hx_<name>(...) in hxgo.c, or
	// hxgo_<name> made by an entry X(<name>, ...) of the X-macro of hxgo.h, which calls hx_<name>.
	called := map[string]bool{}
	read := func(f string) string {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if !strings.HasSuffix(f, "_test.go") {
			for _, m := range regexp.MustCompile(`\bC\.(hx_[a-z0-9_]+)\b`).FindAllStringSubmatch(read(f), -1) {
				called[m[1]] = true
			}
		}
	}
	for _, m := range regexp.MustCompile(`\b(hx_[a-z0-9_]+)\(`).FindAllStringSubmatch(read("hxgo.c"), -1) {
		called[m[1]] = true
	}
	for _, m := range regexp.MustCompile(`(?m)^\s+X\(([a-z0-9_]+),`).FindAllStringSubmatch(read("hxgo.h"), -1) {
		called["hx_"+m[1]] = true
	}
	var missing, stale []string
	jwe := 0
	for name := range declared {
		if strings.HasPrefix(name, "hx_jwe_") {
			jwe++
		}
		if !called[name] && notWrapped[name] == "" {
			missing = append(missing, name)
		}
	}
	for name := range notWrapped {
		if !declared[name] || called[name] {
			stale = append(stale, name)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	if len(declared) < 100 || jwe < 25 {
		t.Fatalf("read %d functions (%d hx_jwe_*) from the header", len(declared), jwe)
	}
	if len(missing) > 0 {
		t.Errorf("functions of include/hxjwt.h this package does not wrap: %v", missing)
	}
	if len(stale) > 0 {
		t.Errorf("notWrapped names a function that is not in the header, or that is wrapped: %v", stale)
	}
}

// The JWE bounds the package names are the header's (HX_JWE_DEFAULT_*), read from its text.
func TestJWEDefaultsMatchTheHeader(t *testing.T) {
	header, err := os.ReadFile(filepath.Join("..", "..", "include", "hxjwt.h"))
	if err != nil {
		t.Fatal(err)
	}
	defines := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^#define (HX_JWE_DEFAULT_[A-Z0-9_]+) ([0-9]+)$`).FindAllStringSubmatch(string(header), -1) {
		defines[m[1]] = m[2]
	}
	for name, value := range map[string]int{
		"HX_JWE_DEFAULT_MAX_TOKEN_LENGTH":    JWEDefaultMaxTokenLength,
		"HX_JWE_DEFAULT_MAX_P2C":             JWEDefaultMaxP2C,
		"HX_JWE_DEFAULT_MAX_INFLATED_LENGTH": JWEDefaultMaxInflatedLength,
	} {
		if defines[name] != fmt.Sprint(value) {
			t.Errorf("%s is %q in the header, %d here", name, defines[name], value)
		}
	}
	if len(defines) != 3 {
		t.Errorf("the header defines %v", defines)
	}
	if JWESensibleMaxInflated != JWEDefaultMaxInflatedLength || JWEDefaultMaxTokenLength != 256<<10 ||
		JWEDefaultMaxP2C != 200000 || JWEDefaultMaxInflatedLength != 250000 {
		t.Error("the documented values")
	}
}
