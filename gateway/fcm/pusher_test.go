package fcm_test

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/gateway/fcm"
)

func TestPushSendsTheMessageWithTheBearerToken(t *testing.T) {
	t.Parallel()
	f := newFakeGoogle(t)
	p, _ := newPusher(t, f, nil)

	err := pushWait(t, p, gateway.MobileMessage{
		NamespaceName:  "game",
		UserID:         "user-1",
		Token:          "device-token-1",
		FirebaseSecret: "ignored by this pusher",
		Title:          "Gs2JobQueue:Push",
		Body:           `{"jobName":"a&b<c>"}`,
		Sound:          "chime.caf",
		Data:           map[string]string{"subject": "Gs2JobQueue:Push", "issuer": "Gs2JobQueue:Push"},
	})
	require.NoError(t, err)

	require.Len(t, f.tokenGrants(), 1)
	got := f.sent()
	require.Len(t, got, 1)
	require.Equal(t, "Bearer tok-1", got[0].auth)
	require.Equal(t, "application/json; charset=UTF-8", got[0].contentType)
	require.Equal(t, `{"message":{"token":"device-token-1",`+
		`"notification":{"title":"Gs2JobQueue:Push","body":"{\"jobName\":\"a&b<c>\"}"},`+
		`"data":{"issuer":"Gs2JobQueue:Push","subject":"Gs2JobQueue:Push"},`+
		`"android":{"notification":{"sound":"chime.caf"}},`+
		`"apns":{"payload":{"aps":{"sound":"chime.caf"}}}}}`, got[0].body)
}

func TestPushBodyLeavesOutWhatIsNotSet(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		msg  gateway.MobileMessage
		want string
	}{
		{
			name: "no sound, no data",
			msg:  gateway.MobileMessage{Token: "t", Title: "hello", Body: "world"},
			want: `{"message":{"token":"t","notification":{"title":"hello","body":"world"}}}`,
		},
		{
			name: "empty data map",
			msg:  gateway.MobileMessage{Token: "t", Title: "hello", Body: "world", Data: map[string]string{}},
			want: `{"message":{"token":"t","notification":{"title":"hello","body":"world"}}}`,
		},
		{
			name: "title only",
			msg:  gateway.MobileMessage{Token: "t", Title: "hello"},
			want: `{"message":{"token":"t","notification":{"title":"hello"}}}`,
		},
		{
			name: "data only",
			msg:  gateway.MobileMessage{Token: "t", Data: map[string]string{"k": "v"}},
			want: `{"message":{"token":"t","data":{"k":"v"}}}`,
		},
		{
			name: "sound without text",
			msg:  gateway.MobileMessage{Token: "t", Sound: "default"},
			want: `{"message":{"token":"t","android":{"notification":{"sound":"default"}},"apns":{"payload":{"aps":{"sound":"default"}}}}}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeGoogle(t)
			p, _ := newPusher(t, f, nil)
			require.NoError(t, pushWait(t, p, tc.msg))
			got := f.sent()
			require.Len(t, got, 1)
			require.Equal(t, tc.want, got[0].body)
		})
	}
}

func TestTokenRequestIsAJWTBearerGrantSignedByTheKey(t *testing.T) {
	t.Parallel()
	f := newFakeGoogle(t)
	p, _ := newPusher(t, f, nil)
	require.NoError(t, pushWait(t, p, gateway.MobileMessage{Token: "t", Title: "x"}))

	grants := f.tokenGrants()
	require.Len(t, grants, 1)
	g := grants[0]
	require.Equal(t, "application/x-www-form-urlencoded", g.contentType)
	require.Equal(t, "urn:ietf:params:oauth:grant-type:jwt-bearer", g.grantType)

	header, claims, err := verifyRS256(g.assertion, &testKey().PublicKey)
	require.NoError(t, err)
	require.Equal(t, "RS256", header["alg"])
	require.Equal(t, testKeyID, header["kid"])
	require.Equal(t, testEmail, claims["iss"])
	require.Equal(t, fcm.Scope, claims["scope"])
	require.Equal(t, f.tokenURL(), claims["aud"])
	iat, exp := int64(claims["iat"].(float64)), int64(claims["exp"].(float64))
	require.Equal(t, int64(3600), exp-iat, "an assertion valid for one hour")
	require.InDelta(t, time.Now().Unix(), iat, 120, "issued now (wall clock; Google checks it)")

	// The check above means something: a changed claim or a changed
	// signature fails it.
	parts := strings.Split(g.assertion, ".")
	forged := base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"attacker@example.com"}`))
	_, _, err = verifyRS256(parts[0]+"."+forged+"."+parts[2], &testKey().PublicKey)
	require.Error(t, err)
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	require.NoError(t, err)
	sig[len(sig)/2] ^= 1
	_, _, err = verifyRS256(parts[0]+"."+parts[1]+"."+base64.RawURLEncoding.EncodeToString(sig), &testKey().PublicKey)
	require.Error(t, err)
}

// verifyRS256 checks a compact JWS signed with RS256 by pub and returns its
// header and claims.
func verifyRS256(jwt string, pub *rsa.PublicKey) (header, claims map[string]any, err error) {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return nil, nil, errors.New("not three parts")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, nil, err
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig); err != nil {
		return nil, nil, err
	}
	for i, dst := range []*map[string]any{&header, &claims} {
		raw, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			return nil, nil, err
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			return nil, nil, err
		}
	}
	return header, claims, nil
}

func TestTokenIsCachedAcrossPushes(t *testing.T) {
	t.Parallel()
	f := newFakeGoogle(t)
	p, _ := newPusher(t, f, nil)

	require.NoError(t, pushWait(t, p, gateway.MobileMessage{Token: "first", Title: "x"}))
	var wg sync.WaitGroup
	errs := make([]error, 16)
	for i := range errs {
		wg.Go(func() { errs[i] = pushWait(t, p, gateway.MobileMessage{Token: "t", Title: "x"}) })
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	require.Len(t, f.tokenGrants(), 1, "one token request for every push")
	got := f.sent()
	require.Len(t, got, 17)
	for _, s := range got {
		require.Equal(t, "Bearer tok-1", s.auth)
	}
}

func TestConcurrentFirstPushesShareOneTokenRequest(t *testing.T) {
	t.Parallel()
	f := newFakeGoogle(t)
	gate, seen := make(chan struct{}), make(chan struct{}, 16)
	f.tokenGate, f.tokenSeen = gate, seen
	p, _ := newPusher(t, f, nil)

	done := make(chan error, 8)
	for range 8 {
		go func() { done <- pushWait(t, p, gateway.MobileMessage{Token: "t", Title: "x"}) }()
	}
	recv(t, seen) // one fetch is under way; the others wait for it
	close(gate)
	for range 8 {
		require.NoError(t, recv(t, done))
	}
	require.Len(t, f.tokenGrants(), 1)
}

func TestCancelWhileFetchingTheTokenReturnsPromptly(t *testing.T) {
	t.Parallel()
	f := newFakeGoogle(t)
	gate, seen := make(chan struct{}), make(chan struct{}, 1)
	f.tokenGate, f.tokenSeen = gate, seen
	p, _ := newPusher(t, f, nil)

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- p.Push(ctx, gateway.MobileMessage{Token: "t", Title: "x"}) }()
	recv(t, seen)
	cancel()
	err := recv(t, done) // while the token endpoint still holds the request
	require.ErrorIs(t, err, context.Canceled)
	require.Empty(t, f.sent())

	// The fetch finishes in the background and its token is kept.
	close(gate)
	require.NoError(t, pushWait(t, p, gateway.MobileMessage{Token: "t", Title: "x"}))
	require.Len(t, f.tokenGrants(), 1)
	require.Equal(t, "Bearer tok-1", f.sent()[0].auth)
}

func TestRefusedGrantIsNotRetried(t *testing.T) {
	t.Parallel()
	f := newFakeGoogle(t)
	f.scriptTokens(reply{status: 400, body: `{"error":"invalid_grant","error_description":"Invalid JWT Signature."}`})
	p, clk := newPusher(t, f, nil)

	err := pushWait(t, p, gateway.MobileMessage{Token: "t", Title: "x"})
	require.ErrorContains(t, err, "invalid_grant")
	require.NotErrorIs(t, err, gateway.ErrTokenUnregistered)
	require.Len(t, f.tokenGrants(), 1)
	require.Empty(t, f.sent())
	require.Zero(t, clk.Waiters(), "no backoff armed")
}

func TestTemporaryTokenEndpointFailureIsRetried(t *testing.T) {
	t.Parallel()
	f := newFakeGoogle(t)
	f.scriptTokens(reply{status: 503, body: `{"error":"backend_error"}`})
	p, clk := newPusher(t, f, nil)

	done := make(chan error, 1)
	go func() { done <- pushWait(t, p, gateway.MobileMessage{Token: "t", Title: "x"}) }()
	clk.BlockUntil(1)
	clk.Add(time.Second) // the first retry waits at most 1 s
	require.NoError(t, recv(t, done))
	require.Len(t, f.tokenGrants(), 2)
	got := f.sent()
	require.Len(t, got, 1)
	require.Equal(t, "Bearer tok-2", got[0].auth)
}

func TestEmptyTokenIsInvalidAndSendsNothing(t *testing.T) {
	t.Parallel()
	f := newFakeGoogle(t)
	p, _ := newPusher(t, f, nil)
	err := pushWait(t, p, gateway.MobileMessage{Title: "x"})
	require.ErrorIs(t, err, gateway.ErrInvalidArgument)
	require.ErrorContains(t, err, "token: required")
	require.Empty(t, f.tokenGrants())
	require.Empty(t, f.sent())
}
