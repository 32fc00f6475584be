package hxjwt_test

import (
	"testing"
	"time"

	"hxjwt.dev/hxjwt"
)

// Benchmarks (not part of the tests): `make go-bench` runs them against the release library.

func BenchmarkCreateHX1(b *testing.B) {
	a, _, _, _ := pair(b)
	payload := []byte(`{"order":42}`)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := a.Create("bob.service", payload, 5*time.Minute); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidateHX1(b *testing.B) {
	a, bob, _, _ := pair(b)
	token, err := a.Create("bob.service", []byte(`{"order":42}`), time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := bob.Validate(token); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidateHX1Parallel(b *testing.B) {
	a, bob, _, _ := pair(b)
	token, err := a.Create("bob.service", []byte(`{"order":42}`), time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := bob.Validate(token); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func benchSign(b *testing.B, alg string) {
	key, err := hxjwt.GenerateKey(alg)
	if err != nil {
		b.Fatal(err)
	}
	defer key.Close()
	claims := []byte(`{"sub":"user-7","aud":"api","exp":4000000000}`)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := hxjwt.Sign(claims, key, alg); err != nil {
			b.Fatal(err)
		}
	}
}

func benchVerify(b *testing.B, alg string) {
	key, err := hxjwt.GenerateKey(alg)
	if err != nil {
		b.Fatal(err)
	}
	defer key.Close()
	verifier := key
	if alg != "HS256" {
		if verifier, err = key.Public(); err != nil {
			b.Fatal(err)
		}
		defer verifier.Close()
	}
	token, err := hxjwt.Sign([]byte(`{"sub":"user-7","aud":"api","exp":4000000000}`), key, alg)
	if err != nil {
		b.Fatal(err)
	}
	v, err := hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{alg}, Audience: []string{"api"}})
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := hxjwt.Verify(token, verifier, v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSignHS256(b *testing.B)   { benchSign(b, "HS256") }
func BenchmarkVerifyHS256(b *testing.B) { benchVerify(b, "HS256") }
func BenchmarkSignES256(b *testing.B)   { benchSign(b, "ES256") }
func BenchmarkVerifyES256(b *testing.B) { benchVerify(b, "ES256") }
