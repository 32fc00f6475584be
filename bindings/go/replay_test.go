package hxjwt_test

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"hxjwt.dev/hxjwt"
)

// instances makes alice and two endpoints of one bob.service identity (two instances of a
// service), each with its own options; it returns alice's endpoint and machine token.
func instances(t *testing.T, opts1, opts2 []hxjwt.EndpointOption) (alice *hxjwt.Endpoint, aliceToken, bobToken string, b1, b2 *hxjwt.Endpoint) {
	t.Helper()
	a := must[*hxjwt.Identity](t)(hxjwt.GenerateIdentity("alice.service"))
	defer a.Close()
	bob := must[*hxjwt.Identity](t)(hxjwt.GenerateIdentity("bob.service"))
	defer bob.Close()
	alice = must[*hxjwt.Endpoint](t)(hxjwt.NewEndpoint(a, nil))
	b1 = must[*hxjwt.Endpoint](t)(hxjwt.NewEndpoint(bob, nil, opts1...))
	b2 = must[*hxjwt.Endpoint](t)(hxjwt.NewEndpoint(bob, nil, opts2...))
	t.Cleanup(func() { alice.Close(); b1.Close(); b2.Close() })
	return alice, must[string](t)(a.MachineToken()), must[string](t)(bob.MachineToken()), b1, b2
}

func TestMemoryReplayStoreSharedByEndpoints(t *testing.T) {
	store := must[*hxjwt.ReplayStore](t)(hxjwt.NewMemoryReplayStore(0))
	must[struct{}](t)(struct{}{}, store.Ping())
	alice, aliceToken, bobToken, b1, b2 := instances(t, []hxjwt.EndpointOption{hxjwt.WithReplayStore(store)}, nil)
	must[struct{}](t)(struct{}{}, b2.SetReplayStore(store))
	store.Close() // the endpoints keep their own reference

	token := must[string](t)(alice.CreateFor(bobToken, []byte("once"), time.Minute))
	must[*hxjwt.Message](t)(b1.ValidateFrom(token, aliceToken))
	if _, err := b2.ValidateFrom(token, aliceToken); !errors.Is(err, hxjwt.ErrReplayed) {
		t.Errorf("on the other endpoint sharing the store: %v", err)
	}
	if _, err := b1.ValidateFrom(token, aliceToken); !errors.Is(err, hxjwt.ErrReplayed) {
		t.Errorf("again on the same endpoint: %v", err)
	}
	// nil turns replay protection off.
	must[struct{}](t)(struct{}{}, b2.SetReplayStore(nil))
	must[*hxjwt.Message](t)(b2.ValidateFrom(token, aliceToken))
	// A closed or nil store is an argument error.
	wantKind(t, "SetReplayStore(closed)", b2.SetReplayStore(store), hxjwt.ErrInvalidArgument)
	wantKind(t, "Ping after Close", store.Ping(), hxjwt.ErrInvalidArgument)
	id := must[*hxjwt.Identity](t)(hxjwt.GenerateIdentity("x"))
	defer id.Close()
	_, err := hxjwt.NewEndpoint(id, nil, hxjwt.WithReplayStore(nil))
	wantKind(t, "WithReplayStore(nil)", err, hxjwt.ErrInvalidArgument)
	_, err = hxjwt.NewMemoryReplayStore(-1)
	wantKind(t, "a negative capacity", err, hxjwt.ErrInvalidArgument)
}

func TestMemoryReplayStoreCapacity(t *testing.T) {
	store := must[*hxjwt.ReplayStore](t)(hxjwt.NewMemoryReplayStore(2))
	defer store.Close()
	a, b, _, _ := pair(t, hxjwt.WithReplayStore(store))
	for i := 0; i < 2; i++ {
		must[*hxjwt.Message](t)(b.Validate(must[string](t)(a.Create("bob.service", nil, time.Minute))))
	}
	// Full: new tokens are refused rather than any forgotten.
	if _, err := b.Validate(must[string](t)(a.Create("bob.service", nil, time.Minute))); !errors.Is(err, hxjwt.ErrReplayed) {
		t.Errorf("a third token with room for two: %v", err)
	}
}

func TestValidationReplayStore(t *testing.T) {
	store := must[*hxjwt.ReplayStore](t)(hxjwt.NewMemoryReplayStore(0))
	defer store.Close()
	key := must[*hxjwt.Key](t)(hxjwt.GenerateKey("EdDSA"))
	defer key.Close()
	v := must[*hxjwt.Validation](t)(hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{"EdDSA"}, ReplayStore: store}))
	defer v.Close()
	exp := time.Now().Add(time.Hour).Unix()
	noJTI := must[string](t)(hxjwt.Sign(map[string]any{"exp": exp}, key, "EdDSA"))
	_, err := hxjwt.Verify(noJTI, key, v)
	var e *hxjwt.Error
	if !errors.As(err, &e) || !errors.Is(err, hxjwt.ErrMissingClaim) || e.Claim != "jti" {
		t.Errorf("without jti: %#v", err)
	}
	once := must[string](t)(hxjwt.Sign(map[string]any{"exp": exp, "jti": "token-1"}, key, "EdDSA"))
	must[[]byte](t)(hxjwt.Verify(once, key, v))
	if _, err := hxjwt.Verify(once, key, v); !errors.Is(err, hxjwt.ErrReplayed) {
		t.Errorf("the same jti again: %v", err)
	}
	closed := must[*hxjwt.ReplayStore](t)(hxjwt.NewMemoryReplayStore(0))
	closed.Close()
	_, err = hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{"EdDSA"}, ReplayStore: closed})
	wantKind(t, "a closed store", err, hxjwt.ErrInvalidArgument)
}

// redisServer is a private redis-server on a free loopback port, without persistence
// ($HXJWT_REDIS_SERVER or redis-server; `make go-test` installs it when missing).
type redisServer struct {
	cmd  *exec.Cmd
	port int
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func startRedis(t *testing.T, port int) *redisServer {
	t.Helper()
	bin := os.Getenv("HXJWT_REDIS_SERVER")
	if bin == "" {
		bin = "redis-server"
	}
	cmd := exec.Command(bin, "--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", "",
		"--appendonly", "no", "--dir", t.TempDir(), "--loglevel", "warning")
	if err := cmd.Start(); err != nil {
		t.Fatalf("cannot start redis-server (install it: apt-get install redis-server; make go-test does): %v", err)
	}
	s := &redisServer{cmd: cmd, port: port}
	t.Cleanup(s.stop)
	// Ready once it accepts connections (bounded: at most 500 tries).
	for i := 0; ; i++ {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			c.Close()
			return s
		}
		if i == 500 {
			t.Fatalf("redis-server did not start on port %d: %v", port, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (s *redisServer) stop() {
	if s.cmd.Process != nil && s.cmd.ProcessState == nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
	}
}

func TestRedisReplayStoreAcrossInstances(t *testing.T) {
	port := freePort(t)
	server := startRedis(t, port)
	url := fmt.Sprintf("redis://127.0.0.1:%d/0", port)
	prefix := fmt.Sprintf("hxjwt-go-test-%d:", time.Now().UnixNano())
	// Two stores on one server, as two processes of bob.service would have.
	s1 := must[*hxjwt.ReplayStore](t)(hxjwt.NewRedisReplayStore(url, &hxjwt.RedisOptions{KeyPrefix: prefix, CommandTimeout: time.Second}))
	defer s1.Close()
	s2 := must[*hxjwt.ReplayStore](t)(hxjwt.NewRedisReplayStore(url, &hxjwt.RedisOptions{KeyPrefix: prefix}))
	defer s2.Close()
	must[struct{}](t)(struct{}{}, s1.Ping())
	alice, aliceToken, bobToken, b1, b2 := instances(t,
		[]hxjwt.EndpointOption{hxjwt.WithReplayStore(s1)}, []hxjwt.EndpointOption{hxjwt.WithReplayStore(s2)})
	token := must[string](t)(alice.CreateFor(bobToken, []byte("once across the fleet"), time.Minute))
	must[*hxjwt.Message](t)(b1.ValidateFrom(token, aliceToken))
	if _, err := b2.ValidateFrom(token, aliceToken); !errors.Is(err, hxjwt.ErrReplayed) {
		t.Errorf("on the other instance: %v", err)
	}
	// The validation side: one jti, two validations on the two stores.
	key := must[*hxjwt.Key](t)(hxjwt.GenerateKey("HS256"))
	defer key.Close()
	v1 := must[*hxjwt.Validation](t)(hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{"HS256"}, ReplayStore: s1}))
	defer v1.Close()
	v2 := must[*hxjwt.Validation](t)(hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{"HS256"}, ReplayStore: s2}))
	defer v2.Close()
	exp := time.Now().Add(time.Hour).Unix()
	jwt := must[string](t)(hxjwt.Sign(map[string]any{"exp": exp, "jti": "j-1"}, key, "HS256"))
	must[[]byte](t)(hxjwt.Verify(jwt, key, v1))
	if _, err := hxjwt.Verify(jwt, key, v2); !errors.Is(err, hxjwt.ErrReplayed) {
		t.Errorf("the same jti on the other instance: %v", err)
	}
	// The server goes down: tokens are refused as StoreUnavailable, never accepted unchecked.
	server.stop()
	fresh := must[string](t)(alice.CreateFor(bobToken, []byte("x"), time.Minute))
	_, err := b1.ValidateFrom(fresh, aliceToken)
	wantKind(t, "validate with the server down", err, hxjwt.ErrStoreUnavailable)
	wantKind(t, "ping with the server down", s2.Ping(), hxjwt.ErrStoreUnavailable)
	_, err = hxjwt.Verify(must[string](t)(hxjwt.Sign(map[string]any{"exp": exp, "jti": "j-2"}, key, "HS256")), key, v2)
	wantKind(t, "verify with the server down", err, hxjwt.ErrStoreUnavailable)
	// Back (empty: no persistence): calls succeed again by themselves.
	startRedis(t, port)
	must[*hxjwt.Message](t)(b2.ValidateFrom(fresh, aliceToken))
	if _, err := b1.ValidateFrom(fresh, aliceToken); !errors.Is(err, hxjwt.ErrReplayed) {
		t.Errorf("after the restart, on the other instance: %v", err)
	}
}

func TestRedisReplayStoreArguments(t *testing.T) {
	for _, url := range []string{"http://127.0.0.1:6379", "", "redis://", "redis://127.0.0.1:6379\x00"} {
		_, err := hxjwt.NewRedisReplayStore(url, nil)
		wantKind(t, fmt.Sprintf("NewRedisReplayStore(%q)", url), err, hxjwt.ErrInvalidArgument)
	}
	_, err := hxjwt.NewRedisReplayStore("ftp://user:hunter2-secret@127.0.0.1:1", nil)
	wantKind(t, "a URL with a password", err, hxjwt.ErrInvalidArgument)
	if err != nil && strings.Contains(err.Error(), "hunter2-secret") {
		t.Errorf("the message shows the password: %v", err)
	}
	_, err = hxjwt.NewRedisReplayStore("redis://127.0.0.1:1", &hxjwt.RedisOptions{CommandTimeout: -1})
	wantKind(t, "a negative time-out", err, hxjwt.ErrInvalidArgument)
	_, err = hxjwt.NewRedisReplayStore("redis://127.0.0.1:1", &hxjwt.RedisOptions{KeyPrefix: "a\x00b"})
	wantKind(t, "a prefix with NUL", err, hxjwt.ErrInvalidArgument)
	// A server that is down is no error when made; Ping says so.
	down := must[*hxjwt.ReplayStore](t)(hxjwt.NewRedisReplayStore(fmt.Sprintf("redis://127.0.0.1:%d", freePort(t)), &hxjwt.RedisOptions{ConnectTimeout: 200 * time.Millisecond}))
	defer down.Close()
	wantKind(t, "Ping of a port nobody listens on", down.Ping(), hxjwt.ErrStoreUnavailable)
	defaults := must[hxjwt.RedisOptions](t)(hxjwt.DefaultRedisOptions())
	if defaults.ConnectTimeout != time.Second || defaults.CommandTimeout != 500*time.Millisecond || defaults.MaxConnections != 16 {
		t.Errorf("%+v", defaults)
	}
}
