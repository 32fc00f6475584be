package hxjwt_test

import (
	"encoding/json"
	"errors"
	"flag"
	"strings"
	"testing"

	"hxjwt.dev/hxjwt"
)

// tests/vectors/jwe.json (format in tests/vectors/README.md, section jwe.json), mirroring
// core/tests/jwe.rs and tests/python/test_jwe.py: every positive entry decrypts to its plaintext,
// every negative one fails with exactly its kind.

type jweEntry struct {
	Name          string   `json:"name"`
	Source        string   `json:"source"`
	Serialization string   `json:"serialization"`
	Token         string   `json:"token"`
	Key           string   `json:"key"`
	Sender        *string  `json:"sender"`
	Algorithms    []string `json:"algorithms"`
	Encryptions   []string `json:"encryptions"`
	Plaintext     *string  `json:"plaintext_b64url"`
	AAD           *string  `json:"aad_b64url"`
	AllowZip      *int     `json:"allow_zip"`
	Error         *string  `json:"error"`
}

type jweVectors struct {
	Keys     map[string]json.RawMessage `json:"keys"`
	Positive []jweEntry                 `json:"positive"`
	Negative []jweEntry                 `json:"negative"`
}

// decryptEntry decrypts an entry as tests/vectors/README.md says: its key, its allow-lists, zip
// when allowed, the sender's public key for ECDH-1PU, compact or JSON by its serialization.
func decryptEntry(t *testing.T, keys map[string]*hxjwt.JWEKey, v *jweEntry) (*hxjwt.JWEDecrypted, error) {
	t.Helper()
	key, ok := keys[v.Key]
	if !ok {
		t.Fatalf("no key %q", v.Key)
	}
	opts := hxjwt.JWEOptions{Algorithms: v.Algorithms, Encryptions: v.Encryptions}
	if v.AllowZip != nil {
		opts.AllowZip = *v.AllowZip
	}
	d, err := hxjwt.NewJWEDecryption(opts)
	if err != nil {
		t.Fatalf("options %v %v: %v", v.Algorithms, v.Encryptions, err)
	}
	defer d.Close()
	var senders hxjwt.JWEKeys
	if v.Sender != nil {
		private, ok := keys[*v.Sender]
		if !ok {
			t.Fatalf("no sender key %q", *v.Sender)
		}
		public := must[*hxjwt.JWEKey](t)(private.Public())
		defer public.Close()
		senders = public
	}
	switch v.Serialization {
	case "compact":
		if senders != nil {
			return hxjwt.JWEDecrypt1PU(v.Token, key, senders, d)
		}
		return hxjwt.JWEDecrypt(v.Token, key, d)
	case "json":
		return hxjwt.JWEDecryptJSON(v.Token, key, senders, d)
	}
	t.Fatalf("serialization %q", v.Serialization)
	return nil, nil
}

func loadJWE(t *testing.T) (*jweVectors, map[string]*hxjwt.JWEKey) {
	var vs jweVectors
	loadVectors(t, "jwe.json", &vs)
	keys := map[string]*hxjwt.JWEKey{}
	for name, jwk := range vs.Keys {
		k, err := hxjwt.JWEKeyFromJWK(string(jwk))
		if err != nil {
			t.Fatalf("key %s: %v", name, err)
		}
		keys[name] = k
		t.Cleanup(func() { k.Close() })
	}
	return &vs, keys
}

// The whole file: each entry is counted as checked, and the count must be the file's, so an
// entry skipped (or a file emptied) fails.
func TestJWEVectors(t *testing.T) {
	vs, keys := loadJWE(t)
	// The entries counted straight from the JSON, independently of the struct above.
	var raw struct {
		Positive, Negative []json.RawMessage
	}
	loadVectors(t, "jwe.json", &raw)
	inFile := len(raw.Positive) + len(raw.Negative)
	checked, ran := 0, 0
	for i := range vs.Positive {
		v := &vs.Positive[i]
		t.Run("positive/"+v.Name, func(t *testing.T) {
			ran++
			if v.Plaintext == nil || v.Error != nil {
				t.Fatalf("a positive entry without plaintext_b64url, or with an error")
			}
			got, err := decryptEntry(t, keys, v)
			if err != nil {
				t.Fatalf("%s (%s): %v", v.Name, v.Source, err)
			}
			if want := b64url(t, *v.Plaintext); string(got.Plaintext) != string(want) {
				t.Errorf("plaintext %q, want %q", got.Plaintext, want)
			}
			if v.AAD != nil {
				if want := b64url(t, *v.AAD); string(got.AAD) != string(want) {
					t.Errorf("aad %q, want %q", got.AAD, want)
				}
			} else if got.AAD != nil {
				t.Errorf("aad %q, want none", got.AAD)
			}
			if !contains(v.Algorithms, got.Alg) || !contains(v.Encryptions, got.Enc) {
				t.Errorf("alg %q enc %q, not among %v %v", got.Alg, got.Enc, v.Algorithms, v.Encryptions)
			}
			if got.Header["alg"] != got.Alg || !sameJSON(t, got.HeaderJSON, must[[]byte](t)(json.Marshal(got.Header))) {
				t.Errorf("header %s / %v", got.HeaderJSON, got.Header)
			}
			if v.Serialization == "compact" {
				// The unverified header is the one decryption read.
				if !sameJSON(t, must[[]byte](t)(hxjwt.JWEDecodeHeader(v.Token)), got.HeaderJSON) {
					t.Errorf("JWEDecodeHeader differs from the decrypted header %s", got.HeaderJSON)
				}
			}
			checked++
		})
	}
	for i := range vs.Negative {
		v := &vs.Negative[i]
		t.Run("negative/"+v.Name, func(t *testing.T) {
			ran++
			if v.Error == nil || v.Plaintext != nil {
				t.Fatalf("a negative entry without error, or with a plaintext")
			}
			want := sentinel(t, *v.Error)
			got, err := decryptEntry(t, keys, v)
			if err == nil {
				t.Fatalf("%s (%s) decrypted to %q; want %s", v.Name, v.Source, got.Plaintext, *v.Error)
			}
			var e *hxjwt.Error
			if !errors.As(err, &e) || !errors.Is(err, want) || e.Kind != *v.Error {
				t.Fatalf("%s: %v, want %s", v.Name, err, *v.Error)
			}
			// No error message shows key material.
			for name, jwk := range vs.Keys {
				var k map[string]any
				if json.Unmarshal(jwk, &k) == nil {
					for _, member := range []string{"d", "k"} {
						if s, ok := k[member].(string); ok && len(s) >= 16 && strings.Contains(err.Error(), s) {
							t.Errorf("the message shows %s's %s", name, member)
						}
					}
				}
			}
			checked++
		})
	}
	if inFile == 0 || len(vs.Positive) == 0 || len(vs.Negative) == 0 {
		t.Fatalf("jwe.json has %d positive and %d negative entries", len(vs.Positive), len(vs.Negative))
	}
	// Under a -run filter only the entries selected run; each that ran must have been checked.
	if checked != ran || (flag.Lookup("test.run").Value.String() == "" && ran != inFile) {
		t.Fatalf("%d of the %d entries of jwe.json checked (%d ran)", checked, inFile, ran)
	}
	t.Logf("%d entries of jwe.json checked (%d positive, %d negative)", checked, len(vs.Positive), len(vs.Negative))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
