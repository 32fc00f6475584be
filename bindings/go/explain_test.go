package hxjwt_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	hxjwt "hxjwt.dev/hxjwt"
)

func failedChecks(r *hxjwt.ExplainReport) []string {
	var out []string
	for _, c := range r.Failures() {
		out = append(out, c.Check+":"+c.Kind)
	}
	return out
}

func TestExplainReportsEveryFailedCheck(t *testing.T) {
	key, err := hxjwt.KeyFromSecret([]byte("a secret of at least thirty-two bytes!!"))
	if err != nil {
		t.Fatal(err)
	}
	defer key.Close()
	v, err := hxjwt.NewValidation(hxjwt.ValidationOptions{
		Algorithms: []string{"HS256"},
		Audience:   []string{"api"},
		Issuer:     []string{"login"},
		Now:        time.Unix(1767225600, 0),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	token, err := hxjwt.Sign(`{"iss":"mallory","aud":"elsewhere","exp":1000}`, key, "HS256")
	if err != nil {
		t.Fatal(err)
	}
	r, err := hxjwt.Explain(token, key, v)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"exp:Expired", "aud:WrongAudience", "iss:IssuerMismatch"}
	if got := failedChecks(r); !reflect.DeepEqual(got, want) || r.Passed {
		t.Fatalf("failures %v, want %v", got, want)
	}
	_, verr := hxjwt.Verify(token, key, v)
	var e *hxjwt.Error
	if !errors.As(verr, &e) || e.Kind != r.Failures()[0].Kind || e.Status != r.Failures()[0].Code {
		t.Fatalf("Verify: %v; explain's first failure %+v", verr, r.Failures()[0])
	}
	if strings.Contains(fmt.Sprint(r), "thirty-two") {
		t.Fatal("the report shows the secret")
	}
	if junk, err := hxjwt.Explain("a.b", key, v); err != nil || !reflect.DeepEqual(failedChecks(junk), []string{"format:Malformed"}) {
		t.Fatalf("junk: %v %v", junk, err)
	}
	if _, err := hxjwt.Explain("a\x00b", key, v); hxjwt.KindOf(err) != "InvalidArgument" {
		t.Fatalf("NUL: %v", err)
	}
}

func TestEndpointExplainWrongAudienceAndExpired(t *testing.T) {
	ids := map[string]*hxjwt.Identity{}
	var tokens []string
	for _, name := range []string{"alice", "bob", "carol"} {
		id, err := hxjwt.GenerateIdentity(name)
		if err != nil {
			t.Fatal(err)
		}
		defer id.Close()
		ids[name] = id
		mt, err := id.MachineToken()
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, mt)
	}
	dir, err := hxjwt.NewDirectory(tokens...)
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	a, err := hxjwt.NewEndpoint(ids["alice"], dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := hxjwt.NewEndpoint(ids["bob"], dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := a.SetTime(time.Unix(1767225600, 0)); err != nil {
		t.Fatal(err)
	}
	if err := b.SetTime(time.Unix(1767225600+10000, 0)); err != nil {
		t.Fatal(err)
	}
	token, err := a.Create("carol", []byte("hi"), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	r, err := b.Explain(token)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"aud:WrongAudience", "signature:InvalidSignature", "exp:Expired"}
	if got := failedChecks(r); !reflect.DeepEqual(got, want) {
		t.Fatalf("failures %v, want %v", got, want)
	}
	if _, err := b.Validate(token); hxjwt.KindOf(err) != "WrongAudience" {
		t.Fatalf("Validate: %v", err)
	}
}
