package hxjwt_test

import (
	"errors"
	"fmt"
	"testing"

	"hxjwt.dev/hxjwt"
)

// The kinds' stable names, as tests/vectors and every face spell them.
var allKinds = []string{
	"Malformed", "UnsupportedAlgorithm", "UnknownHeader", "WrongAudience", "UnknownIssuer",
	"IssuerMismatch", "InvalidKey", "InvalidSignature", "Expired", "NotYetValid",
	"LifetimeTooLong", "DecryptionFailed", "Replayed", "ResolverFailed", "InvalidArgument",
	"Internal", "MissingClaim", "InvalidClaim", "KeyNotFound", "Revoked", "StoreUnavailable",
}

func TestEveryKindHasOneSentinel(t *testing.T) {
	byKind := map[string]*hxjwt.KindError{}
	for _, s := range hxjwt.Sentinels() {
		if byKind[s.Kind] != nil {
			t.Errorf("two sentinels of kind %s", s.Kind)
		}
		byKind[s.Kind] = s
	}
	if len(byKind) != len(allKinds) {
		t.Errorf("%d sentinels for %d kinds", len(byKind), len(allKinds))
	}
	for _, k := range allKinds {
		if byKind[k] == nil {
			t.Errorf("no sentinel of kind %s", k)
		}
	}
}

func TestEveryStatusMapsToAKind(t *testing.T) {
	known := map[string]bool{}
	for _, k := range allKinds {
		known[k] = true
	}
	statuses := 0
	for status := 1; status < 300; status++ {
		kind := hxjwt.KindOfStatus(status)
		if kind == "Unknown" {
			continue
		}
		statuses++
		if !known[kind] {
			t.Errorf("status %d is the kind %q, which has no sentinel", status, kind)
		}
	}
	// HX_ERR_INVALID_ARGUMENT, 100..118 and HX_ERR_INTERNAL.
	if statuses != 21 {
		t.Errorf("%d statuses have a kind, want 21", statuses)
	}
	for status, kind := range map[int]string{
		1: "InvalidArgument", 100: "Malformed", 101: "UnsupportedAlgorithm", 104: "UnknownIssuer",
		108: "Expired", 113: "ResolverFailed", 117: "Revoked", 118: "StoreUnavailable", 255: "Internal",
	} {
		if got := hxjwt.KindOfStatus(status); got != kind {
			t.Errorf("status %d is %q, want %q", status, got, kind)
		}
	}
	for _, status := range []int{0, -1, 2, 99, 119, 254, 256, 1 << 40} {
		if got := hxjwt.KindOfStatus(status); got != "" && got != "Unknown" {
			t.Errorf("status %d is %q", status, got)
		}
	}
}

func TestErrorsIsAndAs(t *testing.T) {
	_, err := hxjwt.GenerateKey("none")
	if !errors.Is(err, hxjwt.ErrUnsupportedAlgorithm) {
		t.Fatalf("GenerateKey(none): %v", err)
	}
	if errors.Is(err, hxjwt.ErrInvalidKey) || errors.Is(err, errors.New("UnsupportedAlgorithm")) {
		t.Error("errors.Is matches another kind")
	}
	wrapped := fmt.Errorf("loading the signing key: %w", err)
	var e *hxjwt.Error
	if !errors.As(wrapped, &e) || !errors.Is(wrapped, hxjwt.ErrUnsupportedAlgorithm) {
		t.Fatalf("wrapped: %v", wrapped)
	}
	if e.Status != 101 || e.Kind != "UnsupportedAlgorithm" || e.Message == "" || e.Claim != "" {
		t.Errorf("%#v", e)
	}
	if e.Error() != "UnsupportedAlgorithm: "+e.Message {
		t.Errorf("Error() = %q", e.Error())
	}
	if hxjwt.KindOf(wrapped) != "UnsupportedAlgorithm" || hxjwt.KindOf(errors.New("x")) != "" {
		t.Error("KindOf")
	}
	if hxjwt.ErrExpired.Error() != "hxjwt: Expired" {
		t.Errorf("%q", hxjwt.ErrExpired.Error())
	}
}

func TestErrorClaimNamesTheClaim(t *testing.T) {
	key := must[*hxjwt.Key](t)(hxjwt.GenerateKey("HS256"))
	defer key.Close()
	token := must[string](t)(hxjwt.Sign(map[string]any{"sub": "user-7"}, key, "HS256"))
	v := must[*hxjwt.Validation](t)(hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{"HS256"}}))
	defer v.Close()
	_, err := hxjwt.Verify(token, key, v)
	var e *hxjwt.Error
	if !errors.As(err, &e) || !errors.Is(err, hxjwt.ErrMissingClaim) || e.Claim != "exp" {
		t.Fatalf("%#v", err)
	}
}
