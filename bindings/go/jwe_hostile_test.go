package hxjwt_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"hxjwt.dev/hxjwt"
)

// Hostile input to the JWE family: nil values (untyped and typed), closed handles, NUL bytes,
// invalid UTF-8, wrong types, huge tokens, empty allow-lists and unknown names give an *Error,
// never a panic or a crash.

func TestJWENilValues(t *testing.T) {
	inv := hxjwt.ErrInvalidArgument
	var key *hxjwt.JWEKey
	var d *hxjwt.JWEDecryption
	var dec *hxjwt.JWEDecrypted
	good := jweKey(t, "oct-16")
	gd := decryption(t, only("A128KW", "A128GCM"))
	token := must[string](t)(hxjwt.JWEEncrypt([]byte("x"), good, "A128KW", "A128GCM"))

	_, err := key.Public()
	wantKind(t, "nil JWEKey Public", err, inv)
	_, err = key.WithKid("k")
	wantKind(t, "nil JWEKey WithKid", err, inv)
	_, err = key.PublicJWK()
	wantKind(t, "nil JWEKey PublicJWK", err, inv)
	_, err = key.PrivateJWK()
	wantKind(t, "nil JWEKey PrivateJWK", err, inv)
	_, err = key.Thumbprint()
	wantKind(t, "nil JWEKey Thumbprint", err, inv)
	if key.Kid() != "" || key.IsPrivate() || key.Kty() != "" || key.Curve() != "" || key.Algorithm() != "" ||
		key.Close() != nil || d.Close() != nil {
		t.Error("nil JWEKey accessors / Close")
	}
	dec.Wipe() // a nil result: nothing to wipe, no panic

	_, err = hxjwt.JWEEncrypt([]byte("x"), nil, "A128KW", "A128GCM")
	wantKind(t, "JWEEncrypt(nil key)", err, inv)
	_, err = hxjwt.JWEEncrypt1PU([]byte("x"), nil, good, nil, "ECDH-1PU", "A128GCM")
	wantKind(t, "JWEEncrypt1PU(nil sender)", err, inv)
	_, err = hxjwt.JWEEncrypt1PU([]byte("x"), nil, nil, good, "ECDH-1PU", "A128GCM")
	wantKind(t, "JWEEncrypt1PU(nil recipient)", err, inv)
	_, err = hxjwt.JWEDecrypt(token, nil, gd)
	wantKind(t, "JWEDecrypt(nil keys)", err, inv)
	_, err = hxjwt.JWEDecrypt(token, key, gd)
	wantKind(t, "JWEDecrypt(typed nil *JWEKey)", err, inv)
	_, err = hxjwt.JWEDecrypt(token, hxjwt.JWEKeyList{good, nil}, gd)
	wantKind(t, "JWEDecrypt(a list holding nil)", err, inv)
	_, err = hxjwt.JWEDecrypt(token, hxjwt.JWEKeyList(nil), gd)
	wantKind(t, "JWEDecrypt(an empty list)", err, inv, hxjwt.ErrKeyNotFound)
	_, err = hxjwt.JWEDecrypt(token, good, nil)
	wantKind(t, "JWEDecrypt(nil decryption)", err, inv)
	_, err = hxjwt.JWEDecrypt1PU(token, good, nil, gd)
	wantKind(t, "JWEDecrypt1PU(nil senders)", err, inv)
	_, err = hxjwt.JWEDecrypt1PU(token, good, key, gd)
	wantKind(t, "JWEDecrypt1PU(typed nil sender)", err, inv)
	_, err = hxjwt.JWEDecryptJSON("{}", nil, nil, gd)
	wantKind(t, "JWEDecryptJSON(nil keys)", err, inv)
	_, err = hxjwt.JWEDecryptJSON("{}", good, nil, nil)
	wantKind(t, "JWEDecryptJSON(nil decryption)", err, inv)
	_, err = hxjwt.JWEEncryptJSON([]byte("x"), []hxjwt.JWERecipient{{Key: nil, Alg: "A128KW"}}, "A128GCM", nil)
	wantKind(t, "JWEEncryptJSON(a nil recipient key)", err, inv)
	_, err = hxjwt.JWEEncryptNested(`{}`, nil, "HS256", good, "A128KW", "A128GCM")
	wantKind(t, "JWEEncryptNested(nil signing key)", err, inv)
	sig := must[*hxjwt.Key](t)(hxjwt.GenerateKey("HS256"))
	defer sig.Close()
	_, err = hxjwt.JWEEncryptNested(`{}`, sig, "HS256", nil, "A128KW", "A128GCM")
	wantKind(t, "JWEEncryptNested(nil encryption key)", err, inv)
	_, err = hxjwt.JWEEncryptNested(nil, sig, "HS256", good, "A128KW", "A128GCM")
	wantKind(t, "JWEEncryptNested(nil claims)", err, inv)
	v := must[*hxjwt.Validation](t)(hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{"HS256"}}))
	defer v.Close()
	_, err = hxjwt.JWEDecryptNested(token, good, gd, nil, v)
	wantKind(t, "JWEDecryptNested(nil verifying key)", err, inv)
	var nilKey *hxjwt.Key
	_, err = hxjwt.JWEDecryptNested(token, good, gd, nilKey, v)
	wantKind(t, "JWEDecryptNested(typed nil *Key)", err, inv)
	_, err = hxjwt.JWEDecryptNested(token, good, gd, sig, nil)
	wantKind(t, "JWEDecryptNested(nil validation)", err, inv)
	_, err = hxjwt.JWEDecryptNested(token, nil, gd, sig, v)
	wantKind(t, "JWEDecryptNested(nil keys)", err, inv)
	_, err = hxjwt.JWEDecryptNested(token, good, nil, sig, v)
	wantKind(t, "JWEDecryptNested(nil decryption)", err, inv)
}

func TestJWEUseAfterClose(t *testing.T) {
	inv := hxjwt.ErrInvalidArgument
	key := must[*hxjwt.JWEKey](t)(hxjwt.GenerateJWEKey("X25519"))
	kid := key.Kid()
	thumbprint := must[string](t)(key.Thumbprint())
	public := must[*hxjwt.JWEKey](t)(key.Public())
	defer public.Close()
	token := must[string](t)(hxjwt.JWEEncrypt([]byte("x"), public, "ECDH-ES", "A128GCM"))
	d := must[*hxjwt.JWEDecryption](t)(hxjwt.NewJWEDecryption(only("ECDH-ES", "A128GCM")))
	must[*hxjwt.JWEDecrypted](t)(hxjwt.JWEDecrypt(token, key, d))
	for i := 0; i < 2; i++ { // idempotent
		if key.Close() != nil || d.Close() != nil {
			t.Fatal("Close")
		}
	}
	if key.Kid() != kid || !key.IsPrivate() || key.Kty() != "OKP" || key.Curve() != "X25519" || key.Algorithm() != "" {
		t.Error("Kid/IsPrivate/Kty/Curve/Algorithm changed after Close")
	}
	if tp, err := key.Thumbprint(); tp != "" {
		t.Errorf("Thumbprint after Close: %q (before: %q)", tp, thumbprint)
	} else {
		wantKind(t, "Thumbprint after Close", err, inv)
	}
	_, err := hxjwt.JWEDecrypt(token, key, decryption(t, only("ECDH-ES", "A128GCM")))
	wantKind(t, "JWEDecrypt with a closed key", err, inv)
	if err != nil && !strings.Contains(err.Error(), "closed") {
		t.Errorf("the message does not say closed: %v", err)
	}
	other := jweKey(t, "X25519")
	_, err = hxjwt.JWEDecrypt(token, hxjwt.JWEKeyList{other, key}, decryption(t, only("ECDH-ES", "A128GCM")))
	wantKind(t, "JWEDecrypt with a closed key in a list", err, inv)
	_, err = hxjwt.JWEDecrypt(token, other, d)
	wantKind(t, "JWEDecrypt with a closed decryption", err, inv)
	_, err = key.PrivateJWK()
	wantKind(t, "PrivateJWK after Close", err, inv)
	_, err = key.WithKid("x")
	wantKind(t, "WithKid after Close", err, inv)
	_, err = hxjwt.JWEEncrypt([]byte("x"), key, "ECDH-ES", "A128GCM")
	wantKind(t, "JWEEncrypt with a closed key", err, inv)
	_, err = hxjwt.JWEEncrypt1PU([]byte("x"), nil, public, key, "ECDH-1PU", "A128GCM")
	wantKind(t, "JWEEncrypt1PU with a closed sender", err, inv)
	_, err = hxjwt.JWEEncryptJSON([]byte("x"), []hxjwt.JWERecipient{{Key: public, Alg: "ECDH-ES+A128KW"}, {Key: key, Alg: "ECDH-ES+A128KW"}}, "A128GCM", nil)
	wantKind(t, "JWEEncryptJSON with a closed key", err, inv)
	_, err = hxjwt.JWEDecryptJSON("{}", other, key, decryption(t, only("ECDH-1PU", "A128GCM")))
	wantKind(t, "JWEDecryptJSON with a closed sender", err, inv)
	// The key still open is usable: nothing stayed locked by the failures above.
	if _, err := other.WithKid("still-usable"); err != nil {
		t.Fatal(err)
	}
	other.Close()
	done := make(chan struct{})
	go func() { other.Close(); close(done) }() // would block if a read lock had leaked
	<-done
}

func TestJWEBadValues(t *testing.T) {
	inv := hxjwt.ErrInvalidArgument
	unsupported := hxjwt.ErrUnsupportedAlgorithm
	key := jweKey(t, "oct-16")
	d := decryption(t, only("A128KW", "A128GCM"))
	token := must[string](t)(hxjwt.JWEEncrypt([]byte("x"), key, "A128KW", "A128GCM"))

	// Keys.
	_, err := hxjwt.JWEKeyFromJWK("{\x00}")
	wantKind(t, "a JWK with NUL", err, inv)
	_, err = hxjwt.JWEKeyFromJWK(`{"kty":"oct","k":"` + "\xff\xfe" + `"}`)
	wantKind(t, "a JWK of invalid UTF-8", err, inv, hxjwt.ErrInvalidKey)
	_, err = hxjwt.JWEKeyFromJWK("")
	wantKind(t, "an empty JWK", err, hxjwt.ErrInvalidKey, hxjwt.ErrMalformed)
	_, err = hxjwt.JWEKeyFromJWK(`{"kty":"oct","k":"AAAAAAAAAAAAAAAAAAAAAA","use":"sig"}`)
	wantKind(t, "a JWK for signatures", err, hxjwt.ErrInvalidKey)
	_, err = hxjwt.JWEKeyFromJWK(`{"kty":"oct","k":"AAAAAAAAAAAAAAAAAAAAAA","alg":"HS256"}`)
	wantKind(t, "a JWK with a JWS alg", err, hxjwt.ErrInvalidKey)
	_, err = hxjwt.JWEKeyFromJWK(`[1,2]`)
	wantKind(t, "a JWK that is an array", err, hxjwt.ErrInvalidKey, hxjwt.ErrMalformed)
	_, err = hxjwt.JWEKeyFromPEM("-----BEGIN\x00")
	wantKind(t, "a PEM with NUL", err, inv)
	_, err = hxjwt.JWEKeyFromPEM("\xff")
	wantKind(t, "a PEM of invalid UTF-8", err, inv, hxjwt.ErrInvalidKey)
	_, err = hxjwt.JWEKeyFromSecret(nil)
	wantKind(t, "an empty secret", err, hxjwt.ErrInvalidKey)
	_, err = hxjwt.JWEKeyFromPassword(nil)
	wantKind(t, "an empty password", err, hxjwt.ErrInvalidKey, inv)
	for _, kind := range []string{"", "oct-8", "RSA-1024", "Ed25519", "x25519", "P-256\x00", "\xff"} {
		_, err = hxjwt.GenerateJWEKey(kind)
		wantKind(t, "GenerateJWEKey("+kind+")", err, inv)
	}
	_, err = key.WithKid("a\x00b")
	wantKind(t, "a kid with NUL", err, inv)
	_, err = key.WithKid("\xff")
	wantKind(t, "a kid of invalid UTF-8", err, inv)

	// Decryption options.
	for _, o := range []hxjwt.JWEOptions{
		{},
		{Algorithms: []string{"A128KW"}},
		{Encryptions: []string{"A128GCM"}},
		{Algorithms: []string{}, Encryptions: []string{}},
		{Algorithms: []string{"A128KW\x00"}, Encryptions: []string{"A128GCM"}},
		{Algorithms: []string{"A128KW"}, Encryptions: []string{"A128GCM"}, MaxTokenLength: -1},
		{Algorithms: []string{"A128KW"}, Encryptions: []string{"A128GCM"}, MaxP2C: -1},
		{Algorithms: []string{"A128KW"}, Encryptions: []string{"A128GCM"}, MaxP2C: 1 << 40},
		{Algorithms: []string{"A128KW"}, Encryptions: []string{"A128GCM"}, AllowZip: -1},
		{Algorithms: []string{"A128KW"}, Encryptions: []string{"A128GCM"}, Typ: "a\x00"},
		{Algorithms: []string{"A128KW"}, Encryptions: []string{"A128GCM"}, Critical: []string{"\x00"}},
		{Algorithms: []string{"A128KW"}, Encryptions: []string{"A128GCM"}, Typ: "\xff"},
	} {
		_, err = hxjwt.NewJWEDecryption(o)
		wantKind(t, "options "+strings.ReplaceAll(strings.Join(append(o.Algorithms, o.Encryptions...), ","), "\x00", "NUL"), err, inv)
	}
	for _, o := range []hxjwt.JWEOptions{
		{Algorithms: []string{"RSA1_5"}, Encryptions: []string{"A128GCM"}},
		{Algorithms: []string{"none"}, Encryptions: []string{"A128GCM"}},
		{Algorithms: []string{"a128kw"}, Encryptions: []string{"A128GCM"}},
		{Algorithms: []string{"HS256"}, Encryptions: []string{"A128GCM"}},
		{Algorithms: []string{"A128KW"}, Encryptions: []string{"A128GCM", "ChaCha20"}},
		{Algorithms: []string{"\xff"}, Encryptions: []string{"A128GCM"}},
	} {
		_, err = hxjwt.NewJWEDecryption(o)
		wantKind(t, "options "+strings.Join(append(o.Algorithms, o.Encryptions...), ","), err, unsupported, inv)
	}

	// Encryption.
	_, err = hxjwt.JWEEncrypt([]byte("x"), key, "A128KW\x00", "A128GCM")
	wantKind(t, "an alg with NUL", err, inv)
	_, err = hxjwt.JWEEncrypt([]byte("x"), key, "A128KW", "A128GCM\x00")
	wantKind(t, "an enc with NUL", err, inv)
	_, err = hxjwt.JWEEncrypt([]byte("x"), key, "\xff", "A128GCM")
	wantKind(t, "an alg of invalid UTF-8", err, inv, unsupported)
	for _, alg := range []string{"", "none", "A128KW ", "RSA1_5", "HS256", "ECDH-ES+A512KW"} {
		_, err = hxjwt.JWEEncrypt([]byte("x"), key, alg, "A128GCM")
		wantKind(t, "alg "+alg, err, unsupported, inv)
	}
	_, err = hxjwt.JWEEncrypt([]byte("x"), key, "A128KW", "A512GCM")
	wantKind(t, "an unknown enc", err, unsupported)
	for _, header := range []any{`[1]`, `"typ"`, `{"typ":1}`, `{"a":1,"a":2}`, "{\"typ\":\"\x00\"}", []byte("{\"typ\":\"\xff\"}"), make(chan int), []int{1}, `{"zip":"GZIP"}`, `{"p2c":"many"}`, `{"apu":"not base64!"}`} {
		_, err = hxjwt.JWEEncryptWithHeader([]byte("x"), header, key, "A128KW", "A128GCM")
		wantKind(t, "a bad header", err, inv, hxjwt.ErrMalformed, hxjwt.ErrUnknownHeader, unsupported)
	}
	_, err = hxjwt.JWEEncryptJSON([]byte("x"), []hxjwt.JWERecipient{{Key: key, Alg: "A128KW\x00"}}, "A128GCM", nil)
	wantKind(t, "a JSON recipient alg with NUL", err, inv)
	_, err = hxjwt.JWEEncryptJSON([]byte("x"), []hxjwt.JWERecipient{{Key: key, Alg: "A128KW"}}, "A128GCM", &hxjwt.JWEJSONOptions{Header: 42})
	wantKind(t, "a JSON header that is a number", err, inv)
	many := make([]hxjwt.JWERecipient, 17)
	for i := range many {
		many[i] = hxjwt.JWERecipient{Key: key, Alg: "A128KW"}
	}
	_, err = hxjwt.JWEEncryptJSON([]byte("x"), many, "A128GCM", nil)
	wantKind(t, "17 recipients", err, inv, hxjwt.ErrMalformed)

	// Decryption of bad tokens.
	for _, bad := range []string{"", ".", "....", "a.b.c.d.e", token + ".", token[:len(token)-1], "\xff" + token[1:], "{}", `{"ciphertext":1}`, strings.Repeat(".", 10000)} {
		if _, err = hxjwt.JWEDecrypt(bad, key, d); err == nil {
			t.Errorf("%.40q decrypted", bad)
		}
		wantKind(t, "a bad token", err, hxjwt.ErrMalformed, inv, hxjwt.ErrDecryptionFailed)
		if _, err = hxjwt.JWEDecryptJSON(bad, key, nil, d); err == nil {
			t.Errorf("%.40q decrypted as JSON", bad)
		}
		// Only the header is read: a token whose header decodes gives it, unchecked.
		if !strings.HasPrefix(bad, token[:strings.IndexByte(token, '.')]) {
			_, err = hxjwt.JWEDecodeHeader(bad)
			wantKind(t, "JWEDecodeHeader of a bad token", err, hxjwt.ErrMalformed, inv)
		}
	}
	_, err = hxjwt.JWEDecrypt(token+"\x00garbage", key, d)
	wantKind(t, "a token with NUL", err, inv)
	_, err = hxjwt.JWEDecryptJSON("{\x00}", key, nil, d)
	wantKind(t, "a JSON token with NUL", err, inv)
	_, err = hxjwt.JWEDecodeHeader("\x00")
	wantKind(t, "JWEDecodeHeader(NUL)", err, inv)
	_, err = hxjwt.JWEDecryptJSON(`{"protected":"`+strings.Repeat("[", 100000)+`"}`, key, nil, d)
	wantKind(t, "a deeply nested JSON token", err, hxjwt.ErrMalformed)
	// A JWS is not a JWE.
	sig := must[*hxjwt.Key](t)(hxjwt.GenerateKey("HS256"))
	defer sig.Close()
	jws := must[string](t)(hxjwt.Sign(`{}`, sig, "HS256"))
	_, err = hxjwt.JWEDecrypt(jws, key, d)
	wantKind(t, "a JWS", err, hxjwt.ErrMalformed)
	// JWEDecodeHeader reads only a compact JWE's header: a JWS (three segments), or five segments
	// whose header has no enc, are Malformed.
	_, err = hxjwt.JWEDecodeHeader(jws)
	wantKind(t, "JWEDecodeHeader of a JWS", err, hxjwt.ErrMalformed)
	noEnc := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"A128KW"}`)) + token[strings.IndexByte(token, '.'):]
	_, err = hxjwt.JWEDecodeHeader(noEnc)
	wantKind(t, "JWEDecodeHeader of a header without enc", err, hxjwt.ErrMalformed)
	// A token of neither ECDH-1PU algorithm, given sender keys, is refused even when the options
	// name its algorithm too (a sender key never decrypts an unauthenticated token).
	x := must[*hxjwt.JWEKey](t)(hxjwt.GenerateJWEKey("X25519"))
	defer x.Close()
	xPublic := must[*hxjwt.JWEKey](t)(x.Public())
	defer xPublic.Close()
	both := hxjwt.JWEOptions{Algorithms: []string{"ECDH-ES", "ECDH-1PU"}, Encryptions: []string{"A256GCM"}}
	bothD := must[*hxjwt.JWEDecryption](t)(hxjwt.NewJWEDecryption(both))
	defer bothD.Close()
	es := must[string](t)(hxjwt.JWEEncrypt([]byte("unauthenticated"), xPublic, "ECDH-ES", "A256GCM"))
	_, err = hxjwt.JWEDecrypt1PU(es, x, xPublic, bothD)
	wantKind(t, "an ECDH-ES token through JWEDecrypt1PU", err, unsupported)
	esJSON := must[string](t)(hxjwt.JWEEncryptJSON([]byte("unauthenticated"), []hxjwt.JWERecipient{{Key: xPublic, Alg: "ECDH-ES"}}, "A256GCM", &hxjwt.JWEJSONOptions{Flattened: true}))
	_, err = hxjwt.JWEDecryptJSON(esJSON, x, xPublic, bothD)
	wantKind(t, "an ECDH-ES JSON token with sender keys", err, unsupported)
	if got, err := hxjwt.JWEDecryptJSON(esJSON, x, nil, bothD); err != nil || string(got.Plaintext) != "unauthenticated" {
		t.Errorf("the same JSON token without sender keys: %v", err)
	}
}

func TestJWEHugeInputs(t *testing.T) {
	huge := strings.Repeat("A", 16<<20) // 16 MiB
	key := jweKey(t, "oct-16")
	d := decryption(t, only("A128KW", "A128GCM"))
	for _, token := range []string{huge, huge + "." + huge + "." + huge + "." + huge + "." + huge} {
		_, err := hxjwt.JWEDecrypt(token, key, d)
		wantKind(t, "a huge token", err, hxjwt.ErrMalformed)
		_, err = hxjwt.JWEDecryptJSON(token, key, nil, d)
		wantKind(t, "a huge JSON token", err, hxjwt.ErrMalformed)
	}
	_, err := hxjwt.JWEDecodeHeader(huge + ".a.b.c.d")
	wantKind(t, "JWEDecodeHeader of 16 MiB", err, hxjwt.ErrMalformed)
	_, err = hxjwt.JWEKeyFromJWK(huge)
	wantKind(t, "a 16 MiB JWK", err, hxjwt.ErrInvalidKey)
	// A JWK over 64 KiB (a valid one, padded with a member), a secret or a password over 4 KiB.
	padded := `{"kty":"oct","k":"AAECAwQFBgcICQoLDA0ODw","x-pad":"` + strings.Repeat("p", 64<<10) + `"}`
	_, err = hxjwt.JWEKeyFromJWK(padded)
	wantKind(t, "a JWK over 64 KiB", err, hxjwt.ErrInvalidKey)
	if k, err := hxjwt.JWEKeyFromJWK(padded[:len(padded)-2-(1<<10)] + `"}`); err != nil {
		t.Errorf("a JWK of 63 KiB: %v", err)
	} else {
		k.Close()
	}
	_, err = hxjwt.JWEKeyFromSecret(make([]byte, 4<<10+1))
	wantKind(t, "a secret over 4 KiB", err, hxjwt.ErrInvalidKey)
	_, err = hxjwt.JWEKeyFromPassword(make([]byte, 4<<10+1))
	wantKind(t, "a password over 4 KiB", err, hxjwt.ErrInvalidKey)
	if k, err := hxjwt.JWEKeyFromPassword([]byte(strings.Repeat("p", 4<<10))); err != nil {
		t.Errorf("a password of 4 KiB: %v", err)
	} else {
		k.Close()
	}
	// A 16 MiB kid is taken as it is (the library sets no bound on a kid), but a token whose
	// protected header it would make over 8 KiB is refused when encrypting, compact and JSON.
	if k, err := key.WithKid(huge); err != nil {
		wantKind(t, "a 16 MiB kid", err, hxjwt.ErrInvalidArgument, hxjwt.ErrInvalidKey)
	} else {
		if k.Kid() != huge {
			t.Error("a 16 MiB kid changed")
		}
		_, err = hxjwt.JWEEncrypt([]byte("x"), k, "A128KW", "A128GCM")
		wantKind(t, "encrypting with a 16 MiB kid", err, hxjwt.ErrInvalidArgument)
		_, err = hxjwt.JWEEncryptJSON([]byte("x"), []hxjwt.JWERecipient{{Key: k, Alg: "A128KW"}}, "A128GCM", &hxjwt.JWEJSONOptions{Flattened: true})
		wantKind(t, "encrypting JSON with a 16 MiB kid", err, hxjwt.ErrInvalidArgument)
		k.Close()
	}
	_, err = hxjwt.JWEEncryptWithHeader([]byte("x"), map[string]string{"x-big": strings.Repeat("h", 9<<10)}, key, "A128KW", "A128GCM")
	wantKind(t, "a protected header over 8 KiB", err, hxjwt.ErrInvalidArgument)
	// A 1 MiB plaintext encrypts; its token is over the default 256 KiB and refused, unless the
	// options allow it.
	big := make([]byte, 1<<20)
	token := must[string](t)(hxjwt.JWEEncrypt(big, key, "A128KW", "A128GCM"))
	_, err = hxjwt.JWEDecrypt(token, key, d)
	wantKind(t, "a token over 256 KiB", err, hxjwt.ErrMalformed)
	o := only("A128KW", "A128GCM")
	o.MaxTokenLength = 2 << 20
	if got := must[*hxjwt.JWEDecrypted](t)(hxjwt.JWEDecrypt(token, key, decryption(t, o))); len(got.Plaintext) != len(big) {
		t.Errorf("%d bytes", len(got.Plaintext))
	}
}
