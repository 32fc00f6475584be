package hxjwt_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"hxjwt.dev/hxjwt"
)

// Round trips of the JWE family: every key kind with several alg x enc pairs, the JSON
// serialization with two recipients, ECDH-1PU, nested JWTs, and the decryption options.

func jweKey(t testing.TB, kind string) *hxjwt.JWEKey {
	t.Helper()
	k := must[*hxjwt.JWEKey](t)(hxjwt.GenerateJWEKey(kind))
	t.Cleanup(func() { k.Close() })
	return k
}

func decryption(t testing.TB, opts hxjwt.JWEOptions) *hxjwt.JWEDecryption {
	t.Helper()
	d := must[*hxjwt.JWEDecryption](t)(hxjwt.NewJWEDecryption(opts))
	t.Cleanup(func() { d.Close() })
	return d
}

func only(alg, enc string) hxjwt.JWEOptions {
	return hxjwt.JWEOptions{Algorithms: []string{alg}, Encryptions: []string{enc}}
}

func publicOf(t testing.TB, k *hxjwt.JWEKey) *hxjwt.JWEKey {
	t.Helper()
	p := must[*hxjwt.JWEKey](t)(k.Public())
	t.Cleanup(func() { p.Close() })
	return p
}

func wantErr(t *testing.T, what string, err error, kind *hxjwt.KindError) *hxjwt.Error {
	t.Helper()
	var e *hxjwt.Error
	if !errors.As(err, &e) || !errors.Is(err, kind) {
		t.Errorf("%s: %v, want %s", what, err, kind.Kind)
		return &hxjwt.Error{}
	}
	return e
}

func TestJWERoundTripsEveryKeyKind(t *testing.T) {
	password := must[*hxjwt.JWEKey](t)(hxjwt.JWEKeyFromPassword([]byte("correct horse battery staple")))
	defer password.Close()
	cases := []struct {
		kind, alg, enc string
		key            *hxjwt.JWEKey // nil: GenerateJWEKey(kind)
		header         any
	}{
		{kind: "X25519", alg: "ECDH-ES", enc: "A256GCM"},
		{kind: "X25519", alg: "ECDH-ES+A128KW", enc: "A128CBC-HS256"},
		{kind: "P-256", alg: "ECDH-ES", enc: "A128GCM"},
		{kind: "P-256", alg: "ECDH-ES+A256KW", enc: "A256GCM"},
		{kind: "P-384", alg: "ECDH-ES+A192KW", enc: "A192CBC-HS384"},
		{kind: "P-521", alg: "ECDH-ES+A256KW", enc: "A256CBC-HS512"},
		{kind: "RSA", alg: "RSA-OAEP", enc: "A256GCM"},
		{kind: "RSA", alg: "RSA-OAEP-256", enc: "A128CBC-HS256"},
		{kind: "oct-16", alg: "A128KW", enc: "A256GCM"},
		{kind: "oct-16", alg: "dir", enc: "A128GCM"},
		{kind: "oct-24", alg: "A192GCMKW", enc: "A192GCM"},
		{kind: "oct-32", alg: "A256GCMKW", enc: "A128CBC-HS256"},
		{kind: "oct-32", alg: "dir", enc: "A128CBC-HS256"},
		{kind: "oct-64", alg: "dir", enc: "A256CBC-HS512"},
		{kind: "password", alg: "PBES2-HS256+A128KW", enc: "A128GCM", key: password, header: map[string]any{"p2c": 1000}},
		{kind: "password", alg: "PBES2-HS512+A256KW", enc: "A256GCM", key: password, header: `{"p2c":2000}`},
	}
	plaintext := []byte("bytes \x00\x01\x7f\x80\xfe\xff and text: \u00fcn\u00efc\u00f6d\u00e9")
	for _, c := range cases {
		c := c
		t.Run(c.kind+"/"+c.alg+"/"+c.enc, func(t *testing.T) {
			private := c.key
			if private == nil {
				private = jweKey(t, c.kind)
				if private.Kid() == "" || !private.IsPrivate() {
					t.Errorf("generated key: kid %q private %v", private.Kid(), private.IsPrivate())
				}
			}
			recipient := private
			if !strings.HasPrefix(c.kind, "oct") && c.kind != "password" {
				// Senders get the public JWK.
				recipient = must[*hxjwt.JWEKey](t)(hxjwt.JWEKeyFromJWK(must[string](t)(private.PublicJWK())))
				defer recipient.Close()
				if recipient.IsPrivate() || recipient.Kid() != private.Kid() {
					t.Errorf("public key: private %v kid %q", recipient.IsPrivate(), recipient.Kid())
				}
			}
			token := must[string](t)(hxjwt.JWEEncryptWithHeader(plaintext, c.header, recipient, c.alg, c.enc))
			if strings.Count(token, ".") != 4 {
				t.Fatalf("not a compact JWE: %q", token)
			}
			d := decryption(t, only(c.alg, c.enc))
			got := must[*hxjwt.JWEDecrypted](t)(hxjwt.JWEDecrypt(token, private, d))
			if string(got.Plaintext) != string(plaintext) || got.Alg != c.alg || got.Enc != c.enc || got.AAD != nil {
				t.Errorf("decrypted %+v", got)
			}
			if kid := private.Kid(); kid != "" && got.Header["kid"] != kid {
				t.Errorf("kid %v, want %q", got.Header["kid"], kid)
			}
			header := string(must[[]byte](t)(hxjwt.JWEDecodeHeader(token)))
			if !sameJSON(t, []byte(header), got.HeaderJSON) {
				t.Errorf("JWEDecodeHeader %s, decrypted header %s", header, got.HeaderJSON)
			}
			// Reloaded from its private JWK, the key decrypts too.
			reloaded := must[*hxjwt.JWEKey](t)(hxjwt.JWEKeyFromJWK(must[string](t)(private.PrivateJWK())))
			defer reloaded.Close()
			if again := must[*hxjwt.JWEDecrypted](t)(hxjwt.JWEDecrypt(token, reloaded, d)); string(again.Plaintext) != string(plaintext) {
				t.Errorf("reloaded key: %q", again.Plaintext)
			}
			// Another enc accepted only: refused before any key is used.
			other := "A256GCM"
			if c.enc == other {
				other = "A128GCM"
			}
			_, err := hxjwt.JWEDecrypt(token, private, decryption(t, only(c.alg, other)))
			wantErr(t, "enc not accepted", err, hxjwt.ErrUnsupportedAlgorithm)
			// One character of the ciphertext changed.
			parts := strings.Split(token, ".")
			parts[3] = flip(parts[3])
			_, err = hxjwt.JWEDecrypt(strings.Join(parts, "."), private, d)
			wantErr(t, "tampered ciphertext", err, hxjwt.ErrDecryptionFailed)
			got.Wipe()
			if strings.Trim(string(got.Plaintext), "\x00") != "" {
				t.Errorf("Wipe left %q", got.Plaintext)
			}
		})
	}
}

// flip changes the first base64url character of a segment to another whose top bits differ.
func flip(segment string) string {
	c := byte('A')
	if segment[0] == 'A' {
		c = 'g'
	}
	return string(c) + segment[1:]
}

func TestJWEKeyFromPEMAndSecret(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der := must[[]byte](t)(x509.MarshalPKCS8PrivateKey(ec))
	privatePEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	spki := must[[]byte](t)(x509.MarshalPKIXPublicKey(&ec.PublicKey))
	publicPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki}))
	private := must[*hxjwt.JWEKey](t)(hxjwt.JWEKeyFromPEM(privatePEM))
	defer private.Close()
	public := must[*hxjwt.JWEKey](t)(hxjwt.JWEKeyFromPEM(publicPEM))
	defer public.Close()
	if private.Kid() != "" || !private.IsPrivate() || public.IsPrivate() {
		t.Errorf("PEM keys: kid %q private %v public %v", private.Kid(), private.IsPrivate(), public.IsPrivate())
	}
	withKid := must[*hxjwt.JWEKey](t)(public.WithKid("pem-2026"))
	defer withKid.Close()
	if withKid.Kid() != "pem-2026" || public.Kid() != "" {
		t.Errorf("WithKid: %q, the original %q", withKid.Kid(), public.Kid())
	}
	token := must[string](t)(hxjwt.JWEEncrypt([]byte("from a PEM key"), withKid, "ECDH-ES+A128KW", "A128GCM"))
	got := must[*hxjwt.JWEDecrypted](t)(hxjwt.JWEDecrypt(token, private, decryption(t, only("ECDH-ES+A128KW", "A128GCM"))))
	if string(got.Plaintext) != "from a PEM key" || got.Header["kid"] != "pem-2026" {
		t.Errorf("%q %v", got.Plaintext, got.Header)
	}
	_, err = hxjwt.JWEKeyFromPEM("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
	wantErr(t, "a bad PEM", err, hxjwt.ErrInvalidKey)

	// A raw secret with NUL bytes: dir with A128GCM (16 bytes).
	secretBytes := []byte("\x00\x01secret\x00bytes\xff\xfe")
	secret := must[*hxjwt.JWEKey](t)(hxjwt.JWEKeyFromSecret(secretBytes))
	defer secret.Close()
	token = must[string](t)(hxjwt.JWEEncrypt(nil, secret, "dir", "A128GCM"))
	for i := range secretBytes { // the library keeps its own copy
		secretBytes[i] = 0
	}
	got = must[*hxjwt.JWEDecrypted](t)(hxjwt.JWEDecrypt(token, secret, decryption(t, only("dir", "A128GCM"))))
	if len(got.Plaintext) != 0 || got.Plaintext == nil {
		t.Errorf("empty plaintext: %#v", got.Plaintext)
	}
	_, err = secret.Public()
	wantErr(t, "Public of a secret", err, hxjwt.ErrInvalidKey)
	_, err = secret.PublicJWK()
	wantErr(t, "PublicJWK of a secret", err, hxjwt.ErrInvalidKey)
	if jwk := must[string](t)(secret.PrivateJWK()); !strings.Contains(jwk, `"kty":"oct"`) {
		t.Errorf("PrivateJWK of a secret: %s", jwk)
	}
	_, err = hxjwt.JWEEncrypt([]byte("x"), secret, "A256KW", "A128GCM")
	wantErr(t, "a 16-byte secret for A256KW", err, hxjwt.ErrInvalidKey)
	rsa := jweKey(t, "RSA")
	_, err = hxjwt.JWEEncrypt([]byte("x"), rsa, "A128KW", "A128GCM")
	wantErr(t, "an RSA key for A128KW", err, hxjwt.ErrInvalidKey)
	_, err = hxjwt.JWEEncrypt([]byte("x"), rsa, "RSA1_5", "A128GCM")
	wantErr(t, "RSA1_5", err, hxjwt.ErrUnsupportedAlgorithm)
	// A JWS key's JWK is not a JWE key.
	sig := must[*hxjwt.Key](t)(hxjwt.GenerateKey("ES256"))
	defer sig.Close()
	_, err = hxjwt.JWEKeyFromJWK(must[string](t)(sig.PublicJWK()))
	wantErr(t, "an ES256 JWK", err, hxjwt.ErrInvalidKey)
}

func TestJWEKeySelectionByKid(t *testing.T) {
	a := must[*hxjwt.JWEKey](t)(jweKey(t, "X25519").WithKid("a"))
	defer a.Close()
	b := must[*hxjwt.JWEKey](t)(jweKey(t, "X25519").WithKid("b"))
	defer b.Close()
	d := decryption(t, only("ECDH-ES", "A256GCM"))
	for _, k := range []*hxjwt.JWEKey{a, b} {
		token := must[string](t)(hxjwt.JWEEncrypt([]byte("for "+k.Kid()), publicOf(t, k), "ECDH-ES", "A256GCM"))
		got := must[*hxjwt.JWEDecrypted](t)(hxjwt.JWEDecrypt(token, hxjwt.JWEKeyList{a, b}, d))
		if string(got.Plaintext) != "for "+k.Kid() {
			t.Errorf("%q", got.Plaintext)
		}
	}
	// The same key twice in a list is fine (held once).
	token := must[string](t)(hxjwt.JWEEncrypt([]byte("twice"), publicOf(t, a), "ECDH-ES", "A256GCM"))
	must[*hxjwt.JWEDecrypted](t)(hxjwt.JWEDecrypt(token, hxjwt.JWEKeyList{a, a}, d))
	c := must[*hxjwt.JWEKey](t)(jweKey(t, "X25519").WithKid("c"))
	defer c.Close()
	_, err := hxjwt.JWEDecrypt(token, c, d)
	wantErr(t, "no key with the token's kid", err, hxjwt.ErrKeyNotFound)
}

func TestJWEJSONTwoRecipients(t *testing.T) {
	x := jweKey(t, "X25519")
	r := jweKey(t, "RSA")
	s := must[*hxjwt.JWEKey](t)(jweKey(t, "oct-32").WithKid("shared"))
	defer s.Close()
	aad := []byte("authenticated \x00 not encrypted")
	token := must[string](t)(hxjwt.JWEEncryptJSON([]byte("to both"), []hxjwt.JWERecipient{
		{Key: publicOf(t, x), Alg: "ECDH-ES+A256KW"},
		{Key: publicOf(t, r), Alg: "RSA-OAEP-256"},
		{Key: s, Alg: "A256KW"},
	}, "A256GCM", &hxjwt.JWEJSONOptions{AAD: aad, Header: map[string]string{"typ": "example"}}))
	var general struct {
		Recipients []json.RawMessage `json:"recipients"`
		AAD        string            `json:"aad"`
	}
	must[struct{}](t)(struct{}{}, json.Unmarshal([]byte(token), &general))
	if len(general.Recipients) != 3 || general.AAD != base64.RawURLEncoding.EncodeToString(aad) {
		t.Fatalf("general JSON: %s", token)
	}
	d := decryption(t, hxjwt.JWEOptions{
		Algorithms:  []string{"ECDH-ES+A256KW", "RSA-OAEP-256", "A256KW"},
		Encryptions: []string{"A256GCM"},
		Typ:         "EXAMPLE",
	})
	for key, alg := range map[*hxjwt.JWEKey]string{x: "ECDH-ES+A256KW", r: "RSA-OAEP-256", s: "A256KW"} {
		got := must[*hxjwt.JWEDecrypted](t)(hxjwt.JWEDecryptJSON(token, key, nil, d))
		if string(got.Plaintext) != "to both" || string(got.AAD) != string(aad) || got.Alg != alg ||
			got.Enc != "A256GCM" || got.Header["typ"] != "example" {
			t.Errorf("recipient %s: %+v", alg, got)
		}
	}
	// Only one recipient's alg accepted: that one decrypts, the others' keys find nothing.
	onlyRSA := decryption(t, only("RSA-OAEP-256", "A256GCM"))
	must[*hxjwt.JWEDecrypted](t)(hxjwt.JWEDecryptJSON(token, r, nil, onlyRSA))
	if _, err := hxjwt.JWEDecryptJSON(token, x, nil, onlyRSA); err == nil {
		t.Error("a recipient whose alg is not accepted decrypted")
	}
	// The aad is authenticated.
	tampered := strings.Replace(token, general.AAD, base64.RawURLEncoding.EncodeToString([]byte("other")), 1)
	_, err := hxjwt.JWEDecryptJSON(tampered, x, nil, d)
	wantErr(t, "another aad", err, hxjwt.ErrDecryptionFailed)
	// JSON is not compact, and compact is not JSON.
	_, err = hxjwt.JWEDecrypt(token, x, d)
	wantErr(t, "JSON to JWEDecrypt", err, hxjwt.ErrMalformed)
	compact := must[string](t)(hxjwt.JWEEncrypt([]byte("c"), s, "A256KW", "A256GCM"))
	_, err = hxjwt.JWEDecryptJSON(compact, s, nil, d)
	wantErr(t, "compact to JWEDecryptJSON", err, hxjwt.ErrMalformed)

	// Flattened: one recipient, no recipients array; no aad: AAD nil.
	flat := must[string](t)(hxjwt.JWEEncryptJSON([]byte("flat"), []hxjwt.JWERecipient{{Key: s, Alg: "A256KW"}}, "A128GCM", &hxjwt.JWEJSONOptions{Flattened: true}))
	if strings.Contains(flat, `"recipients"`) || !strings.Contains(flat, `"encrypted_key"`) {
		t.Errorf("flattened: %s", flat)
	}
	got := must[*hxjwt.JWEDecrypted](t)(hxjwt.JWEDecryptJSON(flat, s, nil, decryption(t, only("A256KW", "A128GCM"))))
	if string(got.Plaintext) != "flat" || got.AAD != nil {
		t.Errorf("flattened: %+v", got)
	}
	_, err = hxjwt.JWEEncryptJSON([]byte("x"), nil, "A128GCM", nil)
	if err == nil {
		t.Error("no recipients: no error")
	}
	_, err = hxjwt.JWEEncryptJSON([]byte("x"), []hxjwt.JWERecipient{{Key: s, Alg: "A256KW"}, {Key: s, Alg: "A256KW"}}, "A128GCM", &hxjwt.JWEJSONOptions{Flattened: true})
	if err == nil {
		t.Error("two recipients flattened: no error")
	}
}

func TestJWE1PU(t *testing.T) {
	for _, curve := range []string{"X25519", "P-256", "P-384", "P-521"} {
		curve := curve
		t.Run(curve, func(t *testing.T) {
			alice := must[*hxjwt.JWEKey](t)(jweKey(t, curve).WithKid("alice"))
			defer alice.Close()
			bob := jweKey(t, curve)
			mallory := must[*hxjwt.JWEKey](t)(jweKey(t, curve).WithKid("alice")) // claims to be alice
			defer mallory.Close()
			for _, c := range [][2]string{{"ECDH-1PU", "A256GCM"}, {"ECDH-1PU+A128KW", "A128CBC-HS256"}, {"ECDH-1PU+A256KW", "A256CBC-HS512"}} {
				alg, enc := c[0], c[1]
				d := decryption(t, only(alg, enc))
				token := must[string](t)(hxjwt.JWEEncrypt1PU([]byte("from alice"), nil, publicOf(t, bob), alice, alg, enc))
				header := string(must[[]byte](t)(hxjwt.JWEDecodeHeader(token)))
				if !strings.Contains(header, `"skid":"alice"`) {
					t.Errorf("header %s", header)
				}
				got := must[*hxjwt.JWEDecrypted](t)(hxjwt.JWEDecrypt1PU(token, bob, publicOf(t, alice), d))
				if string(got.Plaintext) != "from alice" || got.Alg != alg || got.Header["skid"] != "alice" {
					t.Errorf("%s: %+v", alg, got)
				}
				_, err := hxjwt.JWEDecrypt1PU(token, bob, publicOf(t, mallory), d)
				wantErr(t, "the wrong sender key", err, hxjwt.ErrDecryptionFailed)
				// Not without a sender.
				if _, err := hxjwt.JWEDecrypt(token, bob, d); err == nil {
					t.Error("an ECDH-1PU token decrypted by JWEDecrypt")
				}
				// A forged sender: mallory's token under alice's skid.
				forged := must[string](t)(hxjwt.JWEEncrypt1PU([]byte("from mallory"), nil, publicOf(t, bob), mallory, alg, enc))
				_, err = hxjwt.JWEDecrypt1PU(forged, bob, publicOf(t, alice), d)
				wantErr(t, "a forged sender", err, hxjwt.ErrDecryptionFailed)
			}
			// The sender must be private, and ECDH-1PU is not for JWEEncrypt.
			_, err := hxjwt.JWEEncrypt1PU([]byte("x"), nil, publicOf(t, bob), publicOf(t, alice), "ECDH-1PU", "A256GCM")
			wantErr(t, "a public sender key", err, hxjwt.ErrInvalidKey)
			_, err = hxjwt.JWEEncrypt([]byte("x"), publicOf(t, bob), "ECDH-1PU", "A256GCM")
			wantErr(t, "ECDH-1PU through JWEEncrypt", err, hxjwt.ErrInvalidArgument)
			// In JSON, with the sender.
			token := must[string](t)(hxjwt.JWEEncryptJSON([]byte("json 1pu"), []hxjwt.JWERecipient{{Key: publicOf(t, bob), Alg: "ECDH-1PU+A128KW"}}, "A128CBC-HS256", &hxjwt.JWEJSONOptions{Sender: alice}))
			got := must[*hxjwt.JWEDecrypted](t)(hxjwt.JWEDecryptJSON(token, bob, hxjwt.JWEKeyList{publicOf(t, alice)}, decryption(t, only("ECDH-1PU+A128KW", "A128CBC-HS256"))))
			if string(got.Plaintext) != "json 1pu" {
				t.Errorf("%q", got.Plaintext)
			}
		})
	}
	// Another curve for the sender.
	x := jweKey(t, "X25519")
	p := jweKey(t, "P-256")
	_, err := hxjwt.JWEEncrypt1PU([]byte("x"), nil, publicOf(t, x), p, "ECDH-1PU", "A256GCM")
	wantErr(t, "a sender on another curve", err, hxjwt.ErrInvalidKey)
}

func TestJWENested(t *testing.T) {
	enc := jweKey(t, "X25519")
	d := decryption(t, only("ECDH-ES+A256KW", "A256GCM"))
	exp := time.Now().Add(time.Hour).Unix()
	claims := fmt.Sprintf(`{"sub":"user-7","aud":"api","exp":%d,"big":123456789012345678901234567890}`, exp)
	for _, alg := range []string{"ES256", "HS256"} {
		alg := alg
		t.Run(alg, func(t *testing.T) {
			signing := must[*hxjwt.Key](t)(hxjwt.GenerateKey(alg))
			defer signing.Close()
			verifying := signing
			if alg == "ES256" {
				verifying = must[*hxjwt.Key](t)(signing.Public())
				defer verifying.Close()
			}
			v := must[*hxjwt.Validation](t)(hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{alg}, Audience: []string{"api"}}))
			defer v.Close()
			token := must[string](t)(hxjwt.JWEEncryptNested(claims, signing, alg, publicOf(t, enc), "ECDH-ES+A256KW", "A256GCM"))
			header := string(must[[]byte](t)(hxjwt.JWEDecodeHeader(token)))
			if !strings.Contains(header, `"cty":"JWT"`) {
				t.Errorf("header %s", header)
			}
			got := must[[]byte](t)(hxjwt.JWEDecryptNested(token, enc, d, verifying, v))
			if string(got) != claims {
				t.Errorf("claims %s, want %s", got, claims)
			}
			// With a key set as the verifier.
			set := must[*hxjwt.KeySet](t)(hxjwt.NewKeySet(verifying))
			defer set.Close()
			if got := must[[]byte](t)(hxjwt.JWEDecryptNested(token, enc, d, set, v)); string(got) != claims {
				t.Errorf("key set: %s", got)
			}
			// The inner token with its signature altered, encrypted again with cty JWT.
			inner := string(must[*hxjwt.JWEDecrypted](t)(hxjwt.JWEDecrypt(token, enc, d)).Plaintext)
			if strings.Count(inner, ".") != 2 {
				t.Fatalf("inner %q", inner)
			}
			i := strings.LastIndexByte(inner, '.') + 1
			bad := inner[:i] + flip(inner[i:])
			forged := must[string](t)(hxjwt.JWEEncryptWithHeader([]byte(bad), map[string]string{"cty": "JWT"}, publicOf(t, enc), "ECDH-ES+A256KW", "A256GCM"))
			_, err := hxjwt.JWEDecryptNested(forged, enc, d, verifying, v)
			wantErr(t, "a tampered inner signature", err, hxjwt.ErrInvalidSignature)
			// The same good inner token without cty: refused, the claim named.
			noCty := must[string](t)(hxjwt.JWEEncrypt([]byte(inner), publicOf(t, enc), "ECDH-ES+A256KW", "A256GCM"))
			e := wantErr(t, "no cty", must2(hxjwt.JWEDecryptNested(noCty, enc, d, verifying, v)), hxjwt.ErrInvalidClaim)
			if e.Claim != "cty" {
				t.Errorf("claim %q, want cty", e.Claim)
			}
			// The claims are checked: expired two hours later; another audience.
			later := must[*hxjwt.Validation](t)(hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{alg}, Audience: []string{"api"}, Now: time.Now().Add(2 * time.Hour)}))
			defer later.Close()
			_, err = hxjwt.JWEDecryptNested(token, enc, d, verifying, later)
			wantErr(t, "expired inside", err, hxjwt.ErrExpired)
			other := must[*hxjwt.Validation](t)(hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{alg}, Audience: []string{"other"}}))
			defer other.Close()
			_, err = hxjwt.JWEDecryptNested(token, enc, d, verifying, other)
			wantErr(t, "another audience", err, hxjwt.ErrWrongAudience)
			// The wrong JWE key: the decryption's error (another kid; the same kid).
			_, err = hxjwt.JWEDecryptNested(token, jweKey(t, "X25519"), d, verifying, v)
			wantErr(t, "a JWE key of another kid", err, hxjwt.ErrKeyNotFound)
			impostor := must[*hxjwt.JWEKey](t)(jweKey(t, "X25519").WithKid(enc.Kid()))
			defer impostor.Close()
			_, err = hxjwt.JWEDecryptNested(token, impostor, d, verifying, v)
			wantErr(t, "the wrong JWE key", err, hxjwt.ErrDecryptionFailed)
		})
	}
	// Claims as a Go value; claims that are no object.
	signing := must[*hxjwt.Key](t)(hxjwt.GenerateKey("HS256"))
	defer signing.Close()
	token := must[string](t)(hxjwt.JWEEncryptNested(map[string]any{"exp": exp}, signing, "HS256", publicOf(t, enc), "ECDH-ES+A256KW", "A256GCM"))
	v := must[*hxjwt.Validation](t)(hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{"HS256"}}))
	defer v.Close()
	if got := must[[]byte](t)(hxjwt.JWEDecryptNested(token, enc, d, signing, v)); string(got) != fmt.Sprintf(`{"exp":%d}`, exp) {
		t.Errorf("%s", got)
	}
	_, err := hxjwt.JWEEncryptNested(`[1]`, signing, "HS256", publicOf(t, enc), "ECDH-ES+A256KW", "A256GCM")
	wantErr(t, "claims not an object", err, hxjwt.ErrInvalidArgument)
	_, err = hxjwt.JWEEncryptNested(`{}`, signing, "none", publicOf(t, enc), "ECDH-ES+A256KW", "A256GCM")
	wantErr(t, "alg none", err, hxjwt.ErrUnsupportedAlgorithm)
}

// must2 keeps the error of a two-value call.
func must2[T any](_ T, err error) error { return err }

func TestJWEDecryptionOptions(t *testing.T) {
	key := jweKey(t, "oct-16")
	text := []byte(strings.Repeat("compressible ", 200))
	// zip: refused by default, inflated within the cap, refused past it.
	zipped := must[string](t)(hxjwt.JWEEncryptWithHeader(text, map[string]string{"zip": "DEF"}, key, "A128KW", "A128GCM"))
	_, err := hxjwt.JWEDecrypt(zipped, key, decryption(t, only("A128KW", "A128GCM")))
	wantErr(t, "zip not allowed", err, hxjwt.ErrUnknownHeader)
	o := only("A128KW", "A128GCM")
	o.AllowZip = hxjwt.JWESensibleMaxInflated
	if got := must[*hxjwt.JWEDecrypted](t)(hxjwt.JWEDecrypt(zipped, key, decryption(t, o))); string(got.Plaintext) != string(text) || got.Header["zip"] != "DEF" {
		t.Errorf("zip: %d bytes, header %v", len(got.Plaintext), got.Header)
	}
	o.AllowZip = 100
	_, err = hxjwt.JWEDecrypt(zipped, key, decryption(t, o))
	wantErr(t, "inflating past the cap", err, hxjwt.ErrMalformed)

	// typ, case-insensitively; crit names accepted by the options.
	typed := must[string](t)(hxjwt.JWEEncryptWithHeader([]byte("t"), map[string]string{"typ": "secevent+jwt"}, key, "A128KW", "A128GCM"))
	o = only("A128KW", "A128GCM")
	o.Typ = "SecEvent+JWT"
	o.Critical = []string{"exp", "urn:example:thing"}
	must[*hxjwt.JWEDecrypted](t)(hxjwt.JWEDecrypt(typed, key, decryption(t, o)))
	o.Typ = "other"
	_, err = hxjwt.JWEDecrypt(typed, key, decryption(t, o))
	wantErr(t, "another typ", err, hxjwt.ErrInvalidClaim)
	untyped := must[string](t)(hxjwt.JWEEncrypt([]byte("t"), key, "A128KW", "A128GCM"))
	_, err = hxjwt.JWEDecrypt(untyped, key, decryption(t, o))
	wantErr(t, "no typ", err, hxjwt.ErrInvalidClaim)

	// The longest token.
	o = only("A128KW", "A128GCM")
	o.MaxTokenLength = len(untyped) - 1
	_, err = hxjwt.JWEDecrypt(untyped, key, decryption(t, o))
	wantErr(t, "a token over the maximum length", err, hxjwt.ErrMalformed)
	o.MaxTokenLength = len(untyped)
	must[*hxjwt.JWEDecrypted](t)(hxjwt.JWEDecrypt(untyped, key, decryption(t, o)))

	// PBES2: p2c over the maximum, refused before PBKDF2.
	password := must[*hxjwt.JWEKey](t)(hxjwt.JWEKeyFromPassword([]byte("pw")))
	defer password.Close()
	pb := must[string](t)(hxjwt.JWEEncryptWithHeader([]byte("p"), `{"p2c":5000}`, password, "PBES2-HS256+A128KW", "A128GCM"))
	o = only("PBES2-HS256+A128KW", "A128GCM")
	o.MaxP2C = 4999
	_, err = hxjwt.JWEDecrypt(pb, password, decryption(t, o))
	wantErr(t, "p2c over the maximum", err, hxjwt.ErrMalformed)
	o.MaxP2C = 5000
	must[*hxjwt.JWEDecrypted](t)(hxjwt.JWEDecrypt(pb, password, decryption(t, o)))
	_, err = hxjwt.JWEDecrypt(pb, password, decryption(t, only("A128KW", "A128GCM")))
	wantErr(t, "PBES2 not named", err, hxjwt.ErrUnsupportedAlgorithm)

	// Header members hxjwt writes itself cannot be set.
	for _, h := range []string{`{"alg":"dir"}`, `{"enc":"A128GCM"}`, `{"crit":["x"]}`, `{"epk":{}}`} {
		_, err = hxjwt.JWEEncryptWithHeader([]byte("x"), h, key, "A128KW", "A128GCM")
		wantErr(t, "header "+h, err, hxjwt.ErrInvalidArgument)
	}
	// Other members are copied into the protected header.
	extra := must[string](t)(hxjwt.JWEEncryptWithHeader([]byte("x"), map[string]any{"x-trace": "abc", "n": 7}, key, "A128KW", "A128GCM"))
	got := must[*hxjwt.JWEDecrypted](t)(hxjwt.JWEDecrypt(extra, key, decryption(t, only("A128KW", "A128GCM"))))
	if got.Header["x-trace"] != "abc" || got.Header["n"] != json.Number("7") {
		t.Errorf("header %v", got.Header)
	}
}

// rfc7638 computes the RFC 7638 thumbprint of a JWK from its required members, in Go.
func rfc7638(t testing.TB, jwk string) string {
	t.Helper()
	var m map[string]any
	must[struct{}](t)(struct{}{}, json.Unmarshal([]byte(jwk), &m))
	required := map[string][]string{"oct": {"k", "kty"}, "RSA": {"e", "kty", "n"}, "EC": {"crv", "kty", "x", "y"}, "OKP": {"crv", "kty", "x"}}
	names, ok := required[fmt.Sprint(m["kty"])]
	if !ok {
		t.Fatalf("kty %v", m["kty"])
	}
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%q:%q", n, m[n])
	}
	sum := sha256.Sum256([]byte("{" + strings.Join(parts, ",") + "}"))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func TestJWEKeyAccessors(t *testing.T) {
	password := must[*hxjwt.JWEKey](t)(hxjwt.JWEKeyFromPassword([]byte("correct horse battery staple")))
	defer password.Close()
	secret := must[*hxjwt.JWEKey](t)(hxjwt.JWEKeyFromSecret([]byte("0123456789abcdef")))
	defer secret.Close()
	ec, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der := must[[]byte](t)(x509.MarshalPKCS8PrivateKey(ec))
	fromPEM := must[*hxjwt.JWEKey](t)(hxjwt.JWEKeyFromPEM(string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))))
	defer fromPEM.Close()
	restricted := must[*hxjwt.JWEKey](t)(hxjwt.JWEKeyFromJWK(`{"kty":"oct","k":"AAECAwQFBgcICQoLDA0ODw","alg":"A128KW","kid":"wrap"}`))
	defer restricted.Close()
	cases := []struct {
		name      string
		key       *hxjwt.JWEKey
		kty, crv  string
		alg       string
		hasPublic bool
	}{
		{"X25519", jweKey(t, "X25519"), "OKP", "X25519", "", true},
		{"P-256", jweKey(t, "P-256"), "EC", "P-256", "", true},
		{"P-384", jweKey(t, "P-384"), "EC", "P-384", "", true},
		{"P-521", jweKey(t, "P-521"), "EC", "P-521", "", true},
		{"RSA", jweKey(t, "RSA"), "RSA", "", "", true},
		{"RSA-3072", jweKey(t, "RSA-3072"), "RSA", "", "", true},
		{"oct-32", jweKey(t, "oct-32"), "oct", "", "", false},
		{"secret", secret, "oct", "", "", false},
		{"password", password, "oct", "", "", false},
		{"PEM P-384", fromPEM, "EC", "P-384", "", true},
		{"JWK with alg", restricted, "oct", "", "A128KW", false},
	}
	for _, c := range cases {
		c := c
		t.Run(c.name, func(t *testing.T) {
			k := c.key
			if k.Kty() != c.kty || k.Curve() != c.crv || k.Algorithm() != c.alg {
				t.Errorf("kty %q curve %q alg %q, want %q %q %q", k.Kty(), k.Curve(), k.Algorithm(), c.kty, c.crv, c.alg)
			}
			tp := must[string](t)(k.Thumbprint())
			if len(tp) != 43 || strings.ContainsAny(tp, "+/=") {
				t.Errorf("thumbprint %q", tp)
			}
			if c.name != "password" { // a password key's JWK is not written with its k
				if want := rfc7638(t, must[string](t)(k.PrivateJWK())); tp != want {
					t.Errorf("thumbprint %q, RFC 7638 over the JWK %q", tp, want)
				}
			}
			// Another kid: the same thumbprint, kty, curve and alg.
			renamed := must[*hxjwt.JWEKey](t)(k.WithKid("renamed"))
			defer renamed.Close()
			if must[string](t)(renamed.Thumbprint()) != tp || renamed.Kty() != c.kty || renamed.Curve() != c.crv || renamed.Algorithm() != c.alg {
				t.Errorf("WithKid changed the thumbprint or the accessors")
			}
			// Reloaded from its JWK: the same.
			if jwk, err := k.PrivateJWK(); err == nil && c.name != "password" {
				reloaded := must[*hxjwt.JWEKey](t)(hxjwt.JWEKeyFromJWK(jwk))
				defer reloaded.Close()
				if must[string](t)(reloaded.Thumbprint()) != tp || reloaded.Kty() != c.kty || reloaded.Curve() != c.crv || reloaded.Algorithm() != c.alg {
					t.Errorf("reloaded from %s: %q %q %q", jwk, reloaded.Kty(), reloaded.Curve(), reloaded.Algorithm())
				}
			}
			if !c.hasPublic {
				return
			}
			// A key and its public half (from Public, or from the public JWK) have the same.
			public := publicOf(t, k)
			fromJWK := must[*hxjwt.JWEKey](t)(hxjwt.JWEKeyFromJWK(must[string](t)(k.PublicJWK())))
			defer fromJWK.Close()
			for _, p := range []*hxjwt.JWEKey{public, fromJWK} {
				if p.IsPrivate() || must[string](t)(p.Thumbprint()) != tp || p.Kty() != c.kty || p.Curve() != c.crv || p.Algorithm() != c.alg {
					t.Errorf("public half: private %v kty %q curve %q alg %q", p.IsPrivate(), p.Kty(), p.Curve(), p.Algorithm())
				}
			}
			if want := rfc7638(t, must[string](t)(k.PublicJWK())); tp != want {
				t.Errorf("thumbprint %q, RFC 7638 over the public JWK %q", tp, want)
			}
			// A generated key's kid is its thumbprint.
			if strings.HasPrefix(c.name, "P-") || c.name == "X25519" || strings.HasPrefix(c.name, "RSA") {
				if k.Kid() != tp {
					t.Errorf("kid %q, thumbprint %q", k.Kid(), tp)
				}
			}
		})
	}
	// Different keys have different thumbprints.
	a, b := jweKey(t, "X25519"), jweKey(t, "X25519")
	if must[string](t)(a.Thumbprint()) == must[string](t)(b.Thumbprint()) {
		t.Error("two keys, one thumbprint")
	}
	// An EC key restricted by its JWK's alg keeps it in its public half.
	p256 := jweKey(t, "P-256")
	var jwk map[string]any
	must[struct{}](t)(struct{}{}, json.Unmarshal([]byte(must[string](t)(p256.PrivateJWK())), &jwk))
	jwk["alg"] = "ECDH-ES+A256KW"
	withAlg := must[*hxjwt.JWEKey](t)(hxjwt.JWEKeyFromJWK(string(must[[]byte](t)(json.Marshal(jwk)))))
	defer withAlg.Close()
	if withAlg.Algorithm() != "ECDH-ES+A256KW" || publicOf(t, withAlg).Algorithm() != "ECDH-ES+A256KW" {
		t.Errorf("alg %q, public %q", withAlg.Algorithm(), publicOf(t, withAlg).Algorithm())
	}
	if must[string](t)(withAlg.Thumbprint()) != must[string](t)(p256.Thumbprint()) {
		t.Error("the JWK's alg changed the thumbprint")
	}
}
