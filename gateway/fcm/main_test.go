package fcm_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/gateway/fcm"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	testProject = "demo-project"
	testEmail   = "hearth-push@demo-project.iam.gserviceaccount.com"
	testKeyID   = "0123456789abcdef"
	sendPath    = "/v1/projects/" + testProject + "/messages:send"
)

// testKey is the service account's RSA key, generated once per run.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// serviceAccountJSON returns a service-account key file for testKey whose
// token_uri is tokenURL, shaped like the ones the Firebase console gives.
func serviceAccountJSON(tokenURL string) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(testKey())
	if err != nil {
		panic(err)
	}
	b, err := json.Marshal(map[string]string{
		"type":                        "service_account",
		"project_id":                  testProject,
		"private_key_id":              testKeyID,
		"private_key":                 string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"client_email":                testEmail,
		"client_id":                   "112233445566778899000",
		"auth_uri":                    "https://accounts.google.com/o/oauth2/auth",
		"token_uri":                   tokenURL,
		"auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
		"universe_domain":             "googleapis.com",
	})
	if err != nil {
		panic(err)
	}
	return b
}

// reply is one scripted answer of the fake server.
type reply struct {
	status int
	header map[string]string
	body   string
	hangUp bool // close the connection without answering
}

// sent is one messages:send request as the fake received it.
type sent struct {
	auth, contentType, body string
}

// tokenGrant is one token request as the fake received it.
type tokenGrant struct {
	contentType, grantType, assertion string
}

// fakeGoogle is one httptest server playing both Google's OAuth2 token
// endpoint (/token) and FCM (/v1/projects/demo-project/messages:send).
// Answers are scripted per endpoint; with no script left, the token
// endpoint issues "tok-N" for its N-th request and FCM answers 200.
type fakeGoogle struct {
	srv  *httptest.Server
	stop chan struct{} // closed when the test ends: no handler waits any more

	mu          sync.Mutex
	grants      []tokenGrant
	sends       []sent
	tokenScript []reply
	sendScript  []reply
	badRequests []string      // requests to unknown paths or with bad methods
	tokenGate   chan struct{} // when set, token requests wait for it to close
	tokenSeen   chan struct{} // when set, each token request signals it first
	sendSeen    chan struct{} // when set, each send signals it, then waits on sendGo
	sendGo      chan struct{}
}

func newFakeGoogle(t testing.TB) *fakeGoogle {
	f := &fakeGoogle{stop: make(chan struct{})}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(func() {
		close(f.stop)
		f.srv.Close()
		f.mu.Lock()
		defer f.mu.Unlock()
		if len(f.badRequests) > 0 {
			t.Errorf("fake Google got unexpected requests: %v", f.badRequests)
		}
	})
	return f
}

func (f *fakeGoogle) tokenURL() string { return f.srv.URL + "/token" }

func (f *fakeGoogle) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/token":
		form, _ := url.ParseQuery(string(body))
		f.grants = append(f.grants, tokenGrant{r.Header.Get("Content-Type"), form.Get("grant_type"), form.Get("assertion")})
		n := len(f.grants)
		gate, seen := f.tokenGate, f.tokenSeen
		rep, scripted := pop(&f.tokenScript)
		f.mu.Unlock()
		if seen != nil {
			select { // a failed test stops listening: do not hang its Close
			case seen <- struct{}{}:
			case <-f.stop:
			}
		}
		if gate != nil {
			select {
			case <-gate:
			case <-f.stop:
			}
		}
		if !scripted {
			rep = reply{status: 200, body: fmt.Sprintf(`{"access_token":"tok-%d","token_type":"Bearer","expires_in":3600}`, n)}
		}
		answer(w, rep)
	case r.Method == http.MethodPost && r.URL.Path == sendPath:
		f.sends = append(f.sends, sent{r.Header.Get("Authorization"), r.Header.Get("Content-Type"), string(body)})
		rep, scripted := pop(&f.sendScript)
		seen, proceed := f.sendSeen, f.sendGo
		f.mu.Unlock()
		if seen != nil {
			select {
			case seen <- struct{}{}:
			case <-f.stop:
			}
			select {
			case <-proceed:
			case <-f.stop:
			}
		}
		if !scripted {
			rep = reply{status: 200, body: `{"name":"projects/demo-project/messages/0:1700000000000000"}`}
		}
		answer(w, rep)
	default:
		f.badRequests = append(f.badRequests, r.Method+" "+r.URL.Path)
		f.mu.Unlock()
		http.NotFound(w, r)
	}
}

func pop(script *[]reply) (reply, bool) {
	if len(*script) == 0 {
		return reply{}, false
	}
	r := (*script)[0]
	*script = (*script)[1:]
	return r, true
}

func answer(w http.ResponseWriter, rep reply) {
	if rep.hangUp {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
		return
	}
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(rep.status)
	_, _ = io.WriteString(w, rep.body)
}

// scriptSends queues FCM answers; scriptTokens queues token answers.
func (f *fakeGoogle) scriptSends(r ...reply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sendScript = append(f.sendScript, r...)
}

func (f *fakeGoogle) scriptTokens(r ...reply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokenScript = append(f.tokenScript, r...)
}

func (f *fakeGoogle) sent() []sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sent(nil), f.sends...)
}

func (f *fakeGoogle) tokenGrants() []tokenGrant {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]tokenGrant(nil), f.grants...)
}

// newPusher returns a Pusher on f with a mock clock; edit may change the
// Config first.
func newPusher(t testing.TB, f *fakeGoogle, edit func(*fcm.Config)) (*fcm.Pusher, *clock.Mock) {
	t.Helper()
	clk := clock.NewMock()
	cfg := fcm.Config{
		CredentialsJSON: serviceAccountJSON(f.tokenURL()),
		Endpoint:        f.srv.URL,
		HTTPClient:      f.srv.Client(),
		Clock:           clk,
	}
	if edit != nil {
		edit(&cfg)
	}
	p, err := fcm.New(t.Context(), cfg)
	require.NoError(t, err)
	return p, clk
}

// pushAsync runs p.Push(ctx, m) on its own goroutine.
func pushAsync(ctx context.Context, p *fcm.Pusher, m gateway.MobileMessage) <-chan error {
	done := make(chan error, 1)
	go func() { done <- p.Push(ctx, m) }()
	return done
}

// pushWait is p.Push(t.Context(), m) for a push that must not wait on the
// mock clock: if it does, the test fails instead of hanging.
func pushWait(t testing.TB, p *fcm.Pusher, m gateway.MobileMessage) error {
	t.Helper()
	return recv(t, pushAsync(t.Context(), p, m))
}

// recv waits for one value from ch; the deadline only guards against a
// hung test, no test relies on it.
func recv[T any](t testing.TB, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(30 * time.Second):
		t.Fatal("timed out waiting for the push to return")
		panic("unreachable")
	}
}
