package main

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/gateway/token"
	"github.com/hearth-go/hearth/internal/teststore"
	"github.com/hearth-go/hearth/jobqueue"
	"github.com/hearth-go/hearth/store"
)

// apiCase is one input of a route and the error it must get.
type apiCase struct {
	name   string
	auth   string // the whole Authorization header; "" sends none
	path   string // "" is the route's own
	body   string // the raw body; "" sends none
	status int
	field  string
}

// do makes a raw API call: auth is the Authorization header as sent.
func (s *server) do(t testing.TB, method, path, auth, body string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(testCtx(t), method, s.base+path, strings.NewReader(body))
	require.NoError(t, err)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(res.Body).Decode(&out), "%s %s answered no JSON object", method, path)
	return res.StatusCode, res.Header, out
}

// requireError checks an error answer: the status, and the JSON body
// {"error": a message, "field": field}.
func requireError(t testing.TB, status int, hdr http.Header, out map[string]any, wantStatus int, field string) {
	t.Helper()
	require.Equal(t, wantStatus, status, out)
	require.Equal(t, "application/json", hdr.Get("Content-Type"))
	require.Len(t, out, 2, "only error and field: %v", out)
	require.Equal(t, field, out["field"], out)
	msg, _ := out["error"].(string)
	require.NotEmpty(t, msg, out)
}

// requireJSON checks that v marshals to the JSON want.
func requireJSON(t testing.TB, want string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	require.JSONEq(t, want, string(b))
}

// runBad runs each case as a subtest: the call must fail as the case says
// and change nothing, neither in the store nor as unchanged sees it (nil:
// the store alone).
func runBad(t *testing.T, s *server, st store.Store, method, path string, cases []apiCase, unchanged func(t *testing.T)) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := path
			if c.path != "" {
				p = c.path
			}
			var (
				status int
				hdr    http.Header
				out    map[string]any
			)
			teststore.Unchanged(t, st, func() { status, hdr, out = s.do(t, method, p, c.auth, c.body) })
			requireError(t, status, hdr, out, c.status, c.field)
			if unchanged != nil {
				unchanged(t)
			}
		})
	}
}

// authCases are the bad Authorization headers every authed route refuses,
// with body as the (valid) body. valid is alice's token; bob must be a
// known player too, so that a token forged for him would be let in.
func authCases(t *testing.T, s *server, valid, body string) []apiCase {
	t.Helper()
	ctx := testCtx(t)
	other, err := token.NewHMAC([]byte("not-the-server-secret-not-the-server"), nil)
	require.NoError(t, err)
	otherTok, err := other.Issue(ctx, "alice", tokenTTL)
	require.NoError(t, err)
	// alice's signature on a payload naming bob.
	payload, sig, ok := strings.Cut(valid, ".")
	require.True(t, ok)
	claims, err := base64.RawURLEncoding.DecodeString(payload)
	require.NoError(t, err)
	forged := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(claims), `"alice"`, `"bob"`, 1))) + "." + sig
	// Issued tokenTTL ago: it expires now.
	expired, err := s.tokens.Issue(clock.WithOffset(ctx, -tokenTTL), "alice", tokenTTL)
	require.NoError(t, err)
	// Well signed, for a player who never logged in.
	ghost, err := s.tokens.Issue(ctx, "ghost", tokenTTL)
	require.NoError(t, err)

	const a, unauthorized = "Authorization", http.StatusUnauthorized
	return []apiCase{
		{name: "no Authorization", body: body, status: unauthorized, field: a},
		{name: "Basic scheme", auth: "Basic YWxpY2U6c2VjcmV0", body: body, status: unauthorized, field: a},
		{name: "token without scheme", auth: valid, body: body, status: unauthorized, field: a},
		{name: "Token scheme", auth: "Token " + valid, body: body, status: unauthorized, field: a},
		{name: "Bearer without token", auth: "Bearer ", body: body, status: unauthorized, field: a},
		{name: "Bearer twice", auth: "Bearer Bearer " + valid, body: body, status: unauthorized, field: a},
		{name: "garbage token", auth: "Bearer not-a-token", body: body, status: unauthorized, field: a},
		{name: "token of another secret", auth: "Bearer " + otherTok, body: body, status: unauthorized, field: a},
		{name: "forged payload", auth: "Bearer " + forged, body: body, status: unauthorized, field: a},
		{name: "truncated signature", auth: "Bearer " + valid[:len(valid)-2], body: body, status: unauthorized, field: a},
		{name: "expired token", auth: "Bearer " + expired, body: body, status: unauthorized, field: a},
		{name: "player unknown to the ledger", auth: "Bearer " + ghost, body: body, status: http.StatusNotFound},
	}
}

// opsView returns GET /api/ops.
func (s *server) opsView(t testing.TB) map[string]any {
	t.Helper()
	status, out := s.call(t, http.MethodGet, "/api/ops", "", nil)
	require.Equal(t, http.StatusOK, status, out)
	return out
}

// playerNames returns the names of GET /api/ops's players.
func (s *server) playerNames(t testing.TB) []string {
	t.Helper()
	names := []string{}
	for _, p := range s.opsView(t)["players"].([]any) {
		names = append(names, p.(map[string]any)["player"].(string))
	}
	return names
}

// newPlayerJSON is the ops view of a player who has done nothing.
func newPlayerJSON(name string) string {
	return `{"player":"` + name + `","coins":0,"sessions":0,"queued":0,"deadLetters":0,"locks":[],"waiting":false,"room":""}`
}

// requireNoJobs checks that the player has pushed nothing: no queued job,
// result or dead letter, no coins.
func (s *server) requireNoJobs(t testing.TB, player, tok string) {
	t.Helper()
	status, jobs := s.call(t, http.MethodGet, "/api/jobs", tok, nil)
	require.Equal(t, http.StatusOK, status, jobs)
	requireJSON(t, `{"queued":[],"results":[],"deadLetters":[]}`, jobs)
	for _, p := range s.opsView(t)["players"].([]any) {
		if p.(map[string]any)["player"] == player {
			requireJSON(t, newPlayerJSON(player), p)
			return
		}
	}
	t.Fatalf("%s is not in the ops view", player)
}

// waitJob returns the event that ends the job's current attempt chain: it
// succeeded or went to the dead letters.
func waitJob(t testing.TB, events <-chan jobqueue.Event, job string) jobqueue.Event {
	t.Helper()
	ctx := testCtx(t)
	for {
		select {
		case e := <-events:
			if e.JobName == job {
				return e
			}
		case <-ctx.Done():
			t.Fatalf("job %s never finished", job)
		}
	}
}

// pushJob pushes a job as tok and returns its name.
func (s *server) pushJob(t testing.TB, tok, body string) string {
	t.Helper()
	status, _, out := s.do(t, http.MethodPost, "/api/jobs", "Bearer "+tok, body)
	require.Equal(t, http.StatusOK, status, out)
	return out["job"].(map[string]any)["name"].(string)
}

// overLimit is a JSON string value that takes a body past maxBody.
var overLimit = strings.Repeat("x", maxBody)
