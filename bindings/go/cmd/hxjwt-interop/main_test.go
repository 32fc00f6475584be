package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hxjwt.dev/hxjwt"
)

// capture runs the program with args and returns its exit status, stdout and stderr.
func capture(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	oldOut, oldErr := os.Stdout, os.Stderr
	defer func() { os.Stdout, os.Stderr = oldOut, oldErr }()
	outR, outW, _ := os.Pipe()
	errR, errW, _ := os.Pipe()
	os.Stdout, os.Stderr = outW, errW
	var out, errOut bytes.Buffer
	done := make(chan struct{}, 2)
	go func() { io.Copy(&out, outR); done <- struct{}{} }()
	go func() { io.Copy(&errOut, errR); done <- struct{}{} }()
	code := run(args)
	outW.Close()
	errW.Close()
	<-done
	<-done
	return code, out.String(), errOut.String()
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestContract(t *testing.T) {
	dir := t.TempDir()
	alice, _ := hxjwt.GenerateIdentity("alice.test")
	bob, _ := hxjwt.GenerateIdentity("bob.test")
	defer alice.Close()
	defer bob.Close()
	aliceJWK, _ := alice.JWK()
	bobJWK, _ := bob.JWK()
	alicePub, _ := alice.MachineToken()
	bobPub, _ := bob.MachineToken()
	files := map[string]string{
		"alice.jwk": aliceJWK, "bob.jwk": bobJWK, "alice.pub": alicePub, "bob.pub": bobPub,
	}
	for name, text := range files {
		files[name] = writeFile(t, dir, name, []byte(text+"\n"))
	}
	payload := []byte("bytes \x00\x01\x7f\x80\xfe\xff and \r\n \n")
	payloadFile := writeFile(t, dir, "payload", payload)

	code, token, stderr := capture(t, "hx1-create", files["alice.jwk"], files["bob.pub"], payloadFile)
	if code != 0 || !strings.HasSuffix(token, "\n") || stderr != "" {
		t.Fatalf("hx1-create: %d %q %q", code, token, stderr)
	}
	tokenFile := writeFile(t, dir, "token", []byte(token+" \t\r\n"))
	code, out, stderr := capture(t, "hx1-validate", files["bob.jwk"], files["alice.pub"], tokenFile)
	if code != 0 || out != string(payload) {
		t.Fatalf("hx1-validate: %d %q %q", code, out, stderr)
	}
	// From someone else, or altered: exit 1 with the kind.
	code, out, stderr = capture(t, "hx1-validate", files["bob.jwk"], files["bob.pub"], tokenFile)
	if code != 1 || out != "" || !strings.HasPrefix(stderr, "error: IssuerMismatch: ") {
		t.Errorf("wrong sender: %d %q %q", code, out, stderr)
	}
	nul := writeFile(t, dir, "nul.token", []byte(strings.TrimSpace(token)+"\x00garbage"))
	code, _, stderr = capture(t, "hx1-validate", files["bob.jwk"], files["alice.pub"], nul)
	if code != 1 || !strings.HasPrefix(stderr, "error: InvalidArgument: ") {
		t.Errorf("token + NUL: %d %q", code, stderr)
	}

	key, _ := hxjwt.GenerateKey("ES256")
	defer key.Close()
	private, _ := key.PrivateJWK()
	public, _ := key.PublicJWK()
	privateFile := writeFile(t, dir, "es.jwk", []byte(private))
	publicFile := writeFile(t, dir, "es.pub", []byte(public))
	claims := `{"sub":"a \"quoted\" \\ name","n":-9007199254740991,"f":0.5,"exp":4000000000}`
	claimsFile := writeFile(t, dir, "claims.json", []byte(claims+"\n"))
	code, jws, stderr := capture(t, "es256-sign", privateFile, claimsFile)
	if code != 0 || strings.Count(jws, ".") != 2 {
		t.Fatalf("es256-sign: %d %q %q", code, jws, stderr)
	}
	jwsFile := writeFile(t, dir, "jws", []byte(jws))
	code, out, stderr = capture(t, "es256-verify", publicFile, jwsFile)
	if code != 0 || out != claims+"\n" {
		t.Fatalf("es256-verify: %d %q %q", code, out, stderr)
	}
	code, _, stderr = capture(t, "es256-verify", files["alice.pub"], jwsFile)
	if code != 1 || !strings.HasPrefix(stderr, "error: InvalidKey: ") {
		t.Errorf("an X25519 key: %d %q", code, stderr)
	}
	notJSON := writeFile(t, dir, "claims.txt", []byte("[1,2]"))
	code, _, stderr = capture(t, "es256-sign", privateFile, notJSON)
	if code != 1 || !strings.HasPrefix(stderr, "error: InvalidArgument: ") {
		t.Errorf("claims not an object: %d %q", code, stderr)
	}
}

func TestUsageAndFileErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"hx1-frobnicate"}, {"hx1-validate", "a"}, {"es256-sign", "a", "b", "c"}} {
		if code, _, stderr := capture(t, args...); code != 2 || !strings.Contains(stderr, "usage:") {
			t.Errorf("%q: %d %q", args, code, stderr)
		}
	}
	missing := filepath.Join(t.TempDir(), "missing")
	if code, _, stderr := capture(t, "es256-verify", missing, missing); code != 2 || !strings.HasPrefix(stderr, "error: cannot read ") {
		t.Errorf("a missing file: %d %q", code, stderr)
	}
}

func TestJWEContract(t *testing.T) {
	dir := t.TempDir()
	payload := []byte("bytes \x00\x01\x7f\x80\xfe\xff and \r\n \n")
	payloadFile := writeFile(t, dir, "payload", payload)
	for _, c := range []struct{ kind, alg, enc string }{
		{"X25519", "ECDH-ES", "A256GCM"},
		{"P-256", "ECDH-ES+A256KW", "A128CBC-HS256"},
		{"RSA", "RSA-OAEP-256", "A256GCM"},
		{"oct-32", "dir", "A256GCM"},
		{"oct-16", "A128KW", "A128GCM"},
	} {
		key, err := hxjwt.GenerateJWEKey(c.kind)
		if err != nil {
			t.Fatal(err)
		}
		defer key.Close()
		private, _ := key.PrivateJWK()
		privateFile := writeFile(t, dir, c.kind+".jwk", []byte(private+"\n"))
		recipientFile := privateFile
		if public, err := key.PublicJWK(); err == nil {
			recipientFile = writeFile(t, dir, c.kind+".pub", []byte(public))
		}
		code, token, stderr := capture(t, "jwe-encrypt", c.alg, c.enc, recipientFile, payloadFile)
		if code != 0 || strings.Count(token, ".") != 4 || !strings.HasSuffix(token, "\n") || stderr != "" {
			t.Fatalf("%s jwe-encrypt: %d %q %q", c.kind, code, token, stderr)
		}
		tokenFile := writeFile(t, dir, c.kind+".token", []byte(token+" \t\r\n"))
		code, out, stderr := capture(t, "jwe-decrypt", c.alg, c.enc, privateFile, tokenFile)
		if code != 0 || out != string(payload) {
			t.Fatalf("%s jwe-decrypt: %d %q %q", c.kind, code, out, stderr)
		}
		// Only that alg and that enc are accepted.
		code, out, stderr = capture(t, "jwe-decrypt", c.alg, "A192GCM", privateFile, tokenFile)
		if code != 1 || out != "" || !strings.HasPrefix(stderr, "error: UnsupportedAlgorithm: ") {
			t.Errorf("%s another enc: %d %q %q", c.kind, code, out, stderr)
		}
		// Altered: one character of the ciphertext.
		parts := strings.Split(strings.TrimSpace(token), ".")
		if parts[3][0] == 'A' {
			parts[3] = "B" + parts[3][1:]
		} else {
			parts[3] = "A" + parts[3][1:]
		}
		tampered := writeFile(t, dir, c.kind+".tampered", []byte(strings.Join(parts, ".")))
		code, _, stderr = capture(t, "jwe-decrypt", c.alg, c.enc, privateFile, tampered)
		if code != 1 || !strings.HasPrefix(stderr, "error: DecryptionFailed: ") {
			t.Errorf("%s tampered: %d %q", c.kind, code, stderr)
		}
	}
	// A public key cannot decrypt; an unknown alg; a token with a NUL byte; not a JWE.
	x, _ := hxjwt.GenerateJWEKey("X25519")
	defer x.Close()
	public, _ := x.PublicJWK()
	publicFile := writeFile(t, dir, "x.pub", []byte(public))
	code, token, _ := capture(t, "jwe-encrypt", "ECDH-ES", "A128GCM", publicFile, payloadFile)
	if code != 0 {
		t.Fatal(code)
	}
	tokenFile := writeFile(t, dir, "x.token", []byte(token))
	for _, c := range []struct {
		args []string
		kind string
	}{
		{[]string{"jwe-decrypt", "ECDH-ES", "A128GCM", publicFile, tokenFile}, "InvalidKey"},
		{[]string{"jwe-encrypt", "ECDH-XX", "A128GCM", publicFile, payloadFile}, "UnsupportedAlgorithm"},
		{[]string{"jwe-decrypt", "RSA1_5", "A128GCM", publicFile, tokenFile}, "UnsupportedAlgorithm"},
		{[]string{"jwe-decrypt", "ECDH-ES", "A128GCM", publicFile, writeFile(t, dir, "nul", []byte(strings.TrimSpace(token)+"\x00x"))}, "InvalidArgument"},
		{[]string{"jwe-decrypt", "ECDH-ES", "A128GCM", publicFile, writeFile(t, dir, "jws", []byte("a.b.c"))}, "Malformed"},
		{[]string{"jwe-encrypt", "ECDH-ES", "A128GCM", writeFile(t, dir, "not.json", []byte("not json")), payloadFile}, "InvalidKey"},
		{[]string{"jwe-encrypt", "ECDH-ES", "A128GCM", payloadFile, payloadFile}, "InvalidArgument"},
	} {
		code, out, stderr := capture(t, c.args...)
		if code != 1 || out != "" || !strings.HasPrefix(stderr, "error: "+c.kind+": ") {
			t.Errorf("%q: %d %q %q, want %s", c.args, code, out, stderr, c.kind)
		}
	}
	for _, args := range [][]string{{"jwe-encrypt", "ECDH-ES", "A128GCM", publicFile}, {"jwe-decrypt", "a", "b", "c", "d", "e"}} {
		if code, _, stderr := capture(t, args...); code != 2 || !strings.Contains(stderr, "usage:") {
			t.Errorf("%q: %d %q", args, code, stderr)
		}
	}
}
