package hxjwt_test

// Issue 17 item 4 through the Go face: RemoteOptions.CAFile, Headers and AllowMixedKeys (the
// fields appended to HxRemoteOptions). A bad CA file or header fails with ErrInvalidArgument
// when the directory or key set is made; the headers and the default User-Agent reach a loopback
// server (plain http: TLS itself is tested in the core, core/tests/remote_tls.rs).

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"hxjwt.dev/hxjwt"
)

const tlsTestURL = "https://keys.example.com/jwks.json"

func TestRemoteOptionsDefaultsNameTheNewFields(t *testing.T) {
	d := must[hxjwt.RemoteOptions](t)(hxjwt.DefaultRemoteOptions())
	if d.CAFile != "" || d.Headers != nil || d.AllowMixedKeys {
		t.Fatalf("defaults: %+v", d)
	}
}

func TestABadCAFileIsAnInvalidArgumentNamingThePath(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.pem")
	if err := os.WriteFile(empty, []byte("no certificate here\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ file, why string }{
		{filepath.Join(dir, "missing.pem"), "cannot read the CA file"},
		{empty, "no CERTIFICATE block"},
	} {
		opts := &hxjwt.RemoteOptions{CAFile: c.file}
		_, err := hxjwt.KeySetFromURL(tlsTestURL, opts)
		if !errors.Is(err, hxjwt.ErrInvalidArgument) || !strings.Contains(err.Error(), c.file) ||
			!strings.Contains(err.Error(), c.why) {
			t.Fatalf("KeySetFromURL with %s: %v", c.file, err)
		}
		if _, err := hxjwt.DirectoryFromURL(tlsTestURL, opts); !errors.Is(err, hxjwt.ErrInvalidArgument) {
			t.Fatalf("DirectoryFromURL with %s: %v", c.file, err)
		}
	}
	if _, err := hxjwt.KeySetFromURL(tlsTestURL, &hxjwt.RemoteOptions{CAFile: "a\x00b"}); !errors.Is(err, hxjwt.ErrInvalidArgument) {
		t.Fatalf("a NUL in CAFile: %v", err)
	}
}

func TestBadHeadersAreInvalidArgumentsWithoutTheirValue(t *testing.T) {
	for _, h := range []hxjwt.Header{
		{Name: "Host", Value: "evil.example"},
		{Name: "Bad Name", Value: "v"},
		{Name: "X:Y", Value: "v"},
		{Name: "", Value: "v"},
		{Name: "X-A", Value: "s3cr3t\r\nHost: x"},
		{Name: "X-A", Value: "s3cr3t\x00"},
		{Name: "Transfer-Encoding", Value: "chunked"},
	} {
		opts := &hxjwt.RemoteOptions{Headers: []hxjwt.Header{{Name: "X-Ok", Value: "1"}, h}}
		_, err := hxjwt.KeySetFromURL(tlsTestURL, opts)
		if !errors.Is(err, hxjwt.ErrInvalidArgument) || strings.Contains(err.Error(), "s3cr3t") {
			t.Fatalf("header %q: %v", h.Name, err)
		}
		if _, err := hxjwt.DirectoryFromURL(tlsTestURL, opts); !errors.Is(err, hxjwt.ErrInvalidArgument) {
			t.Fatalf("DirectoryFromURL, header %q: %v", h.Name, err)
		}
	}
	twice := &hxjwt.RemoteOptions{Headers: []hxjwt.Header{{Name: "X-A", Value: "1"}, {Name: "x-a", Value: "2"}}}
	if _, err := hxjwt.KeySetFromURL(tlsTestURL, twice); err == nil || !strings.Contains(err.Error(), "given twice") {
		t.Fatalf("a header twice: %v", err)
	}
}

func TestHeadersUserAgentAndMixedKeysReachAServedSet(t *testing.T) {
	const ed = `{"kty":"OKP","crv":"Ed25519","kid":"ed","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`
	const hs = `{"kty":"oct","kid":"hs","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"}`
	var mu sync.Mutex
	var seen []http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/mixed" {
			_, _ = w.Write([]byte(`{"keys":[` + ed + `,` + hs + `]}`))
			return
		}
		_, _ = w.Write([]byte(`{"keys":[` + ed + `]}`))
	}))
	defer srv.Close()

	base := hxjwt.RemoteOptions{AllowHTTP: true, Timeout: 5 * time.Second}
	withHeaders := base
	withHeaders.Headers = []hxjwt.Header{{Name: "X-Api-Key", Value: "k-123"}, {Name: "Authorization", Value: "Bearer t0ken"}}
	set := must[*hxjwt.KeySet](t)(hxjwt.KeySetFromURL(srv.URL+"/jwks", &withHeaders))
	if n := must[int](t)(set.Len()); n != 1 {
		t.Fatalf("%d keys", n)
	}
	set.Close()
	ua := base
	ua.Headers = []hxjwt.Header{{Name: "User-Agent", Value: "billing/2.1"}}
	set = must[*hxjwt.KeySet](t)(hxjwt.KeySetFromURL(srv.URL+"/jwks", &ua))
	must[int](t)(set.Len())
	set.Close()

	refused := must[*hxjwt.KeySet](t)(hxjwt.KeySetFromURL(srv.URL+"/mixed", &base))
	if _, err := refused.Len(); !errors.Is(err, hxjwt.ErrResolverFailed) || !strings.Contains(err.Error(), "HMAC secret") {
		t.Fatalf("a mixed set without AllowMixedKeys: %v", err)
	}
	refused.Close()
	mixed := base
	mixed.AllowMixedKeys = true
	set = must[*hxjwt.KeySet](t)(hxjwt.KeySetFromURL(srv.URL+"/mixed", &mixed))
	if n := must[int](t)(set.Len()); n != 2 {
		t.Fatalf("%d keys in the mixed set", n)
	}
	set.Close()

	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 4 {
		t.Fatalf("%d requests", len(seen))
	}
	want := "hxjwt/" + hxjwt.Version()
	if got := seen[0].Values("User-Agent"); len(got) != 1 || got[0] != want {
		t.Fatalf("User-Agent %q, want %q", got, want)
	}
	if seen[0].Get("X-Api-Key") != "k-123" || seen[0].Get("Authorization") != "Bearer t0ken" {
		t.Fatalf("headers %v", seen[0])
	}
	if got := seen[1].Values("User-Agent"); len(got) != 1 || got[0] != "billing/2.1" {
		t.Fatalf("a caller's User-Agent: %q", got)
	}
}
