package main

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/internal/teststore"
	"github.com/hearth-go/hearth/jobqueue"
	"github.com/hearth-go/hearth/store"
)

func TestLoginBadInputs(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		s := startServer(t, st, 0)
		const p = "player"
		bad := []apiCase{
			{name: "missing body", status: 400},
			{name: "malformed JSON", body: `{"player":`, status: 400},
			{name: "not JSON", body: `player=alice`, status: 400},
			{name: "array", body: `[{"player":"alice"}]`, status: 400},
			{name: "string", body: `"alice"`, status: 400},
			{name: "two objects", body: `{"player":"alice"}{"player":"bob"}`, status: 400},
			{name: "object and garbage", body: `{"player":"alice"} x`, status: 400},
			{name: "unknown field", body: `{"player":"alice","admin":true}`, status: 400, field: "admin"},
			{name: "wrong type", body: `{"player":5}`, status: 400, field: p},
			{name: "array player", body: `{"player":["alice"]}`, status: 400, field: p},
			{name: "missing player", body: `{}`, status: 400, field: p},
			{name: "null body", body: `null`, status: 400, field: p},
			{name: "null player", body: `{"player":null}`, status: 400, field: p},
			{name: "empty", body: `{"player":""}`, status: 400, field: p},
			{name: "33 characters", body: `{"player":"` + strings.Repeat("a", 33) + `"}`, status: 400, field: p},
			{name: "space", body: `{"player":"al ice"}`, status: 400, field: p},
			{name: "leading space", body: `{"player":" alice"}`, status: 400, field: p},
			{name: "slash", body: `{"player":"al/ice"}`, status: 400, field: p},
			{name: "dot", body: `{"player":"al.ice"}`, status: 400, field: p},
			{name: "newline", body: `{"player":"alice\n"}`, status: 400, field: p},
			{name: "unicode", body: `{"player":"alicé"}`, status: 400, field: p},
			{name: "unicode digit", body: `{"player":"alice١"}`, status: 400, field: p},
			{name: "body over 64 KiB", body: `{"player":"` + overLimit + `"}`, status: http.StatusRequestEntityTooLarge},
		}
		runBad(t, s, st, http.MethodPost, "/api/login", bad, func(t *testing.T) {
			require.Empty(t, s.playerNames(t), "a refused login creates no player")
		})

		// The boundary: these are players.
		longest := strings.Repeat("z", 32)
		for _, name := range []string{"a", longest, "Az09_-", "_", "-"} {
			status, _, out := s.do(t, http.MethodPost, "/api/login", "", `{"player":"`+name+`"}`)
			require.Equal(t, http.StatusOK, status, out)
			require.Len(t, out, 2, out)
			require.Equal(t, name, out["player"])
			tok, _ := out["token"].(string)
			require.NotEmpty(t, tok)
			status, me := s.call(t, http.MethodGet, "/api/me", tok, nil)
			require.Equal(t, http.StatusOK, status, me)
			require.Equal(t, name, me["player"])
		}
		s.login(t, "a") // again: the same player
		want := []string{"a", longest, "Az09_-", "_", "-"}
		slices.Sort(want)
		require.Equal(t, want, s.playerNames(t))
	})
}

func TestMeBadInputs(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		s := startServer(t, st, 0)
		alice := s.login(t, "alice")
		s.login(t, "bob")
		runBad(t, s, st, http.MethodGet, "/api/me", authCases(t, s, alice, ""), nil)

		status, me := s.call(t, http.MethodGet, "/api/me", alice, nil)
		require.Equal(t, http.StatusOK, status)
		requireJSON(t, `{"player":"alice","coins":0,"sessions":0,"waiting":false,"room":""}`, me)
	})
}

func TestPushJobBadInputs(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		s := startServer(t, st, 0)
		alice := s.login(t, "alice")
		s.login(t, "bob")
		auth := "Bearer " + alice
		const c, f, m = "coins", "fail", "maxTryCount"
		bad := []apiCase{
			{name: "missing body", status: 400},
			{name: "malformed JSON", body: `{"coins":`, status: 400},
			{name: "array", body: `[{"coins":5}]`, status: 400},
			{name: "number", body: `5`, status: 400},
			{name: "two objects", body: `{"coins":5}{"coins":5}`, status: 400},
			{name: "unknown field", body: `{"coins":5,"priority":1}`, status: 400, field: "priority"},
			{name: "coins as a string", body: `{"coins":"5"}`, status: 400, field: c},
			{name: "coins not an integer", body: `{"coins":2.5}`, status: 400, field: c},
			{name: "coins in exponent form", body: `{"coins":1e3}`, status: 400, field: c},
			{name: "coins beyond int64", body: `{"coins":99999999999999999999}`, status: 400, field: c},
			{name: "coins missing", body: `{"fail":"never"}`, status: 400, field: c},
			{name: "empty object", body: `{}`, status: 400, field: c},
			{name: "null body", body: `null`, status: 400, field: c},
			{name: "coins null", body: `{"coins":null}`, status: 400, field: c},
			{name: "coins 0", body: `{"coins":0}`, status: 400, field: c},
			{name: "coins -1", body: `{"coins":-1}`, status: 400, field: c},
			{name: "coins 1001", body: `{"coins":1001}`, status: 400, field: c},
			{name: "fail sometimes", body: `{"coins":5,"fail":"sometimes"}`, status: 400, field: f},
			{name: "fail in capitals", body: `{"coins":5,"fail":"NEVER"}`, status: 400, field: f},
			{name: "fail not a string", body: `{"coins":5,"fail":true}`, status: 400, field: f},
			{name: "maxTryCount 0", body: `{"coins":5,"maxTryCount":0}`, status: 400, field: m},
			{name: "maxTryCount -1", body: `{"coins":5,"maxTryCount":-1}`, status: 400, field: m},
			{name: "maxTryCount 11", body: `{"coins":5,"maxTryCount":11}`, status: 400, field: m},
			{name: "maxTryCount as a string", body: `{"coins":5,"maxTryCount":"3"}`, status: 400, field: m},
			{name: "body over 64 KiB", body: `{"coins":5,"fail":"` + overLimit + `"}`, status: http.StatusRequestEntityTooLarge},
		}
		for i := range bad {
			bad[i].auth = auth
		}
		bad = append(bad, authCases(t, s, alice, `{"coins":5}`)...)
		runBad(t, s, st, http.MethodPost, "/api/jobs", bad, func(t *testing.T) {
			s.requireNoJobs(t, "alice", alice)
		})

		// The boundary: these are pushed, and run.
		events, unsubscribe := s.jobs.Subscribe(jobqueue.EventSucceeded, jobqueue.EventDead)
		defer unsubscribe()
		good := []struct {
			name, body, args string
			tries            int
			status           int // of the last attempt
		}{
			{"coins 1", `{"coins":1}`, `{"coins":1,"fail":"never"}`, 3, 200},
			{"coins 1000", `{"coins":1000}`, `{"coins":1000,"fail":"never"}`, 3, 200},
			{"maxTryCount 1", `{"coins":2,"maxTryCount":1}`, `{"coins":2,"fail":"never"}`, 1, 200},
			{"maxTryCount 10", `{"coins":3,"maxTryCount":10}`, `{"coins":3,"fail":"never"}`, 10, 200},
			{"fail never", `{"coins":4,"fail":"never"}`, `{"coins":4,"fail":"never"}`, 3, 200},
			{"fail once", `{"coins":5,"fail":"once","maxTryCount":1}`, `{"coins":5,"fail":"once"}`, 1, 503},
			{"fail always", `{"coins":6,"fail":"always","maxTryCount":1}`, `{"coins":6,"fail":"always"}`, 1, 500},
		}
		var dead []string
		for _, g := range good {
			t.Run(g.name, func(t *testing.T) {
				status, _, out := s.do(t, http.MethodPost, "/api/jobs", auth, g.body)
				require.Equal(t, http.StatusOK, status, out)
				require.Len(t, out, 1, out)
				job := out["job"].(map[string]any)
				for _, k := range []string{"name", "scriptId", "args", "currentRetryCount", "maxTryCount", "createdAt"} {
					require.Contains(t, job, k)
				}
				require.Equal(t, rewardScript, job["scriptId"])
				require.JSONEq(t, g.args, job["args"].(string))
				require.Equal(t, float64(g.tries), job["maxTryCount"])
				require.Equal(t, float64(0), job["currentRetryCount"])
				e := waitJob(t, events, job["name"].(string))
				require.Equal(t, g.status, e.StatusCode)
				if g.status != 200 {
					require.Equal(t, jobqueue.EventDead, e.Kind)
					dead = append(dead, job["name"].(string))
				}
			})
		}
		_, me := s.call(t, http.MethodGet, "/api/me", alice, nil)
		require.Equal(t, float64(1+1000+2+3+4), me["coins"], "the jobs that succeeded paid")
		_, jobs := s.call(t, http.MethodGet, "/api/jobs", alice, nil)
		require.Empty(t, jobs["queued"])
		require.Len(t, jobs["results"], len(good))
		require.ElementsMatch(t, dead, jobNames(jobs["deadLetters"], "name"))
	})
}

func TestListJobsBadInputs(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		s := startServer(t, st, 0)
		alice := s.login(t, "alice")
		s.login(t, "bob")
		runBad(t, s, st, http.MethodGet, "/api/jobs", authCases(t, s, alice, ""), nil)

		status, jobs := s.call(t, http.MethodGet, "/api/jobs", alice, nil)
		require.Equal(t, http.StatusOK, status)
		requireJSON(t, `{"queued":[],"results":[],"deadLetters":[]}`, jobs)

		events, unsubscribe := s.jobs.Subscribe(jobqueue.EventSucceeded, jobqueue.EventDead)
		defer unsubscribe()
		paid := s.pushJob(t, alice, `{"coins":5}`)
		waitJob(t, events, paid)
		dead := s.pushJob(t, alice, `{"coins":6,"fail":"always","maxTryCount":1}`)
		waitJob(t, events, dead)

		status, jobs = s.call(t, http.MethodGet, "/api/jobs", alice, nil)
		require.Equal(t, http.StatusOK, status)
		require.Len(t, jobs, 3, jobs)
		require.Empty(t, jobs["queued"])
		results := jobs["results"].([]any)
		require.Len(t, results, 2)
		byJob := map[string]map[string]any{}
		for _, r := range results {
			r := r.(map[string]any)
			require.Len(t, r, 5, r)
			for _, k := range []string{"jobName", "tryNumber", "statusCode", "result", "tryAt"} {
				require.Contains(t, r, k)
			}
			byJob[r["jobName"].(string)] = r
		}
		require.Equal(t, float64(200), byJob[paid]["statusCode"])
		require.JSONEq(t, `{"coins":5,"balance":5}`, byJob[paid]["result"].(string))
		require.Equal(t, float64(500), byJob[dead]["statusCode"])
		letters := jobs["deadLetters"].([]any)
		require.Len(t, letters, 1)
		letter := letters[0].(map[string]any)
		require.Equal(t, dead, letter["name"])
		require.JSONEq(t, `{"coins":6,"fail":"always"}`, letter["args"].(string))
		require.Equal(t, float64(1), letter["maxTryCount"])
		tries := letter["results"].([]any)
		require.Len(t, tries, 1)
		try := tries[0].(map[string]any)
		require.Equal(t, float64(0), try["tryNumber"])
		require.Equal(t, float64(500), try["statusCode"])
		require.Contains(t, try, "result")
		require.Contains(t, try, "tryAt")

		// Another player sees none of it.
		bob := s.login(t, "bob")
		_, jobs = s.call(t, http.MethodGet, "/api/jobs", bob, nil)
		requireJSON(t, `{"queued":[],"results":[],"deadLetters":[]}`, jobs)
	})
}

func TestRequeueBadInputs(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		s := startServer(t, st, 0)
		alice := s.login(t, "alice")
		bob := s.login(t, "bob")
		events, unsubscribe := s.jobs.Subscribe(jobqueue.EventSucceeded, jobqueue.EventDead)
		defer unsubscribe()
		dead := s.pushJob(t, alice, `{"coins":6,"fail":"always","maxTryCount":1}`)
		require.Equal(t, jobqueue.EventDead, waitJob(t, events, dead).Kind)
		path := "/api/deadletters/" + dead + "/requeue"

		const nf = http.StatusNotFound
		bad := []apiCase{
			{name: "unknown name", auth: "Bearer " + alice, path: "/api/deadletters/no-such-job/requeue", status: nf},
			{name: "unknown UUID", auth: "Bearer " + alice, path: "/api/deadletters/8c5f2a56-6f0c-4c1b-9a51-0d3e7a1b2c3d/requeue", status: nf},
			{name: "name too long", auth: "Bearer " + alice, path: "/api/deadletters/" + strings.Repeat("a", 300) + "/requeue", status: nf},
			{name: "another player's dead letter", auth: "Bearer " + bob, status: nf},
		}
		bad = append(bad, authCases(t, s, alice, "")...)
		runBad(t, s, st, http.MethodPost, path, bad, func(t *testing.T) {
			_, jobs := s.call(t, http.MethodGet, "/api/jobs", alice, nil)
			require.Equal(t, []string{dead}, jobNames(jobs["deadLetters"], "name"))
			require.Empty(t, jobs["queued"])
			s.requireNoJobs(t, "bob", bob)
		})

		status, ok := s.call(t, http.MethodPost, path, alice, nil)
		require.Equal(t, http.StatusOK, status, ok)
		require.Len(t, ok, 1, ok)
		job := ok["job"].(map[string]any)
		again := job["name"].(string)
		require.NotEqual(t, dead, again, "a requeued job has a new name")
		require.JSONEq(t, `{"coins":6,"fail":"always"}`, job["args"].(string))
		require.Equal(t, float64(1), job["maxTryCount"])
		require.Equal(t, float64(0), job["currentRetryCount"])
		require.Equal(t, jobqueue.EventDead, waitJob(t, events, again).Kind)

		// The dead letter was taken: requeuing it again is a 404.
		status, hdr, out := s.do(t, http.MethodPost, path, "Bearer "+alice, "")
		requireError(t, status, hdr, out, nf, "")
		_, jobs := s.call(t, http.MethodGet, "/api/jobs", alice, nil)
		require.Equal(t, []string{again}, jobNames(jobs["deadLetters"], "name"))
	})
}

func TestMatchAPIBadInputs(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		s := startServer(t, st, time.Hour)
		alice := s.login(t, "alice")
		bob := s.login(t, "bob")
		waiting := func(want ...string) func(t *testing.T) {
			return func(t *testing.T) {
				t.Helper()
				got := []string{}
				list, _ := s.opsView(t)["waiting"].([]any) // null when none ever waited: see TestOpsWaitingIsAnArray
				for _, p := range list {
					got = append(got, p.(string))
				}
				require.Equal(t, append([]string{}, want...), got)
			}
		}
		t.Run("join", func(t *testing.T) {
			runBad(t, s, st, http.MethodPost, "/api/match", authCases(t, s, alice, ""), waiting())
		})

		status, out := s.call(t, http.MethodPost, "/api/match", alice, nil)
		require.Equal(t, http.StatusOK, status, out)
		requireJSON(t, `{"status":"waiting","waiting":1}`, out)
		_, out = s.call(t, http.MethodPost, "/api/match", alice, nil)
		requireJSON(t, `{"status":"waiting","waiting":1}`, out) // again: the same answer
		_, me := s.call(t, http.MethodGet, "/api/me", alice, nil)
		require.Equal(t, true, me["waiting"])

		t.Run("leave", func(t *testing.T) {
			runBad(t, s, st, http.MethodDelete, "/api/match", authCases(t, s, alice, ""), waiting("alice"))
		})

		_, out = s.call(t, http.MethodPost, "/api/match", bob, nil)
		requireJSON(t, `{"status":"waiting","waiting":2}`, out)
		waiting("alice", "bob")(t)
		status, out = s.call(t, http.MethodDelete, "/api/match", alice, nil)
		require.Equal(t, http.StatusOK, status, out)
		requireJSON(t, `{"status":"idle"}`, out)
		waiting("bob")(t)
		_, out = s.call(t, http.MethodDelete, "/api/match", alice, nil)
		requireJSON(t, `{"status":"idle"}`, out) // again: still idle
		waiting("bob")(t)
	})
}

func TestRoomBadInputs(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		s := startServer(t, st, 0)
		alice, bob, carol := s.login(t, "alice"), s.login(t, "bob"), s.login(t, "carol")
		ag := s.connect(t, alice)
		s.connect(t, bob)
		for _, tok := range []string{alice, bob} {
			status, out := s.call(t, http.MethodPost, "/api/match", tok, nil)
			require.Equal(t, http.StatusOK, status, out)
		}
		room := ag.notification("Gs2Realtime:Create")["roomName"].(string)
		path := "/api/rooms/" + room

		const nf = http.StatusNotFound
		bad := []apiCase{
			{name: "unknown room", auth: "Bearer " + alice, path: "/api/rooms/no-such-room", status: nf},
			{name: "room-like unknown name", auth: "Bearer " + alice, path: "/api/rooms/match-00000000", status: nf},
			{name: "another player's room", auth: "Bearer " + carol, status: nf},
		}
		bad = append(bad, authCases(t, s, alice, "")...)
		runBad(t, s, st, http.MethodGet, path, bad, func(t *testing.T) {
			_, me := s.call(t, http.MethodGet, "/api/me", carol, nil)
			require.Equal(t, "", me["room"])
		})

		for _, tok := range []string{alice, bob} {
			status, out := s.call(t, http.MethodGet, path, tok, nil)
			require.Equal(t, http.StatusOK, status, out)
			require.Equal(t, room, out["name"])
			require.Equal(t, "READY", out["status"])
			require.NotEmpty(t, out["ipAddress"])
			require.NotZero(t, out["port"])
			require.NotEmpty(t, out["encryptionKey"])
			require.ElementsMatch(t, []any{"alice", "bob"}, out["players"])
		}
		_, me := s.call(t, http.MethodGet, "/api/me", alice, nil)
		require.Equal(t, room, me["room"])
	})
}

func TestOpsInputs(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		s := startServer(t, st, 0)
		alice := s.login(t, "alice")
		s.login(t, "bob")
		// No auth is needed; none is looked at; the query is ignored.
		for _, c := range []struct{ name, auth, path string }{
			{"no Authorization", "", "/api/ops"},
			{"garbage Authorization", "Bearer not-a-token", "/api/ops"},
			{"a player's token", "Bearer " + alice, "/api/ops"},
			{"query", "", "/api/ops?player=alice&limit=1"},
		} {
			t.Run(c.name, func(t *testing.T) {
				before := time.Now().UnixMilli()
				var (
					status int
					out    map[string]any
				)
				teststore.Unchanged(t, st, func() { status, _, out = s.do(t, http.MethodGet, c.path, c.auth, "") })
				require.Equal(t, http.StatusOK, status, out)
				now := out["now"].(float64)
				require.GreaterOrEqual(t, now, float64(before))
				require.LessOrEqual(t, now, float64(time.Now().UnixMilli()))
				delete(out, "now")
				require.Empty(t, out["waiting"])
				delete(out, "waiting") // null, not []: see TestOpsWaitingIsAnArray
				requireJSON(t, `{"namespaces":{"gateway":["game"],"jobqueue":["game"],"lock":["game"],"realtime":["game"]},
					"players":[`+newPlayerJSON("alice")+`,`+newPlayerJSON("bob")+`],"rooms":[]}`, out)
			})
		}
	})
}

// Before anyone has waited, GET /api/ops answers "waiting": [] like every
// other list of the view, not null.
func TestOpsWaitingIsAnArray(t *testing.T) {
	s := startServer(t, teststore.Cases()[0].Open(t), 0)
	out := s.opsView(t)
	require.Equal(t, []any{}, out["waiting"])
}

func TestPlayerBadInputs(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		s := startServer(t, st, 0)
		alice := s.login(t, "alice")
		const nf = http.StatusNotFound
		bad := []apiCase{
			{name: "never logged in", path: "/api/players/ghost", status: nf},
			{name: "other case", path: "/api/players/Alice", status: nf},
			{name: "prefix", path: "/api/players/alic", status: nf},
			{name: "longer", path: "/api/players/alice2", status: nf},
			{name: "33 characters", path: "/api/players/" + strings.Repeat("a", 33), status: nf},
			{name: "space", path: "/api/players/al%20ice", status: nf},
			{name: "slash", path: "/api/players/al%2Fice", status: nf},
			{name: "unicode", path: "/api/players/alic%C3%A9", status: nf},
			{name: "a token does not help", auth: "Bearer " + alice, path: "/api/players/ghost", status: nf},
		}
		runBad(t, s, st, http.MethodGet, "", bad, nil)

		status, out := s.call(t, http.MethodGet, "/api/players/alice", "", nil)
		require.Equal(t, http.StatusOK, status, out)
		requireJSON(t, newPlayerJSON("alice"), out)
		require.Equal(t, s.opsView(t)["players"].([]any)[0], any(out), "the same as its line of the ops view")
	})
}

// startMockServer is startServer on a mock clock.
func startMockServer(t *testing.T, st store.Store) (*server, *clock.Mock) {
	t.Helper()
	mock := clock.NewMock()
	port := freePort(t)
	a, err := newApp(config{Store: st, Clock: mock, RelayPortMin: port, RelayPortMax: port,
		Secret: []byte("test-secret-test-secret-test-secret")})
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	require.NoError(t, a.start(ctx))
	done := make(chan error, 1)
	go func() { done <- a.serve(ctx, ln, grace) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	return &server{app: a, base: "http://" + ln.Addr().String()}, mock
}

// TestLoginTokenExpires: a login token works for tokenTTL, then every
// authed route refuses it.
func TestLoginTokenExpires(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		s, mock := startMockServer(t, st)
		alice := s.login(t, "alice")
		s.login(t, "bob")
		mock.Add(tokenTTL - time.Millisecond)
		status, out := s.call(t, http.MethodGet, "/api/me", alice, nil)
		require.Equal(t, http.StatusOK, status, out)
		mock.Add(time.Millisecond)

		auth := "Bearer " + alice
		for _, r := range []struct{ method, path, body string }{
			{http.MethodGet, "/api/me", ""},
			{http.MethodPost, "/api/jobs", `{"coins":5}`},
			{http.MethodGet, "/api/jobs", ""},
			{http.MethodPost, "/api/deadletters/no-such-job/requeue", ""},
			{http.MethodPost, "/api/match", ""},
			{http.MethodDelete, "/api/match", ""},
			{http.MethodGet, "/api/rooms/no-such-room", ""},
		} {
			runBad(t, s, st, r.method, r.path, []apiCase{
				{name: r.method + " " + r.path, auth: auth, body: r.body, status: http.StatusUnauthorized, field: "Authorization"},
			}, nil)
		}
		require.Empty(t, s.opsView(t)["waiting"])
		// Logging in again gives a fresh token.
		status, out = s.call(t, http.MethodGet, "/api/me", s.login(t, "alice"), nil)
		require.Equal(t, http.StatusOK, status, out)
	})
}

// A stray closing bracket after the object is refused with 400 like any
// data after it (dec.More alone would not see it), and changes nothing.
func TestDecodeRefusesTrailingBrackets(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		s := startServer(t, st, 0)
		alice := s.login(t, "alice")
		for _, body := range []string{`{"player":"mallory"}]`, `{"player":"mallory"}}`} {
			runBad(t, s, st, http.MethodPost, "/api/login", []apiCase{{name: body, body: body, status: 400}}, nil)
		}
		for _, body := range []string{`{"coins":5}]`, `{"coins":5}}`} {
			runBad(t, s, st, http.MethodPost, "/api/jobs", []apiCase{{name: body, auth: "Bearer " + alice, body: body, status: 400}}, nil)
		}
	})
}

// A valid object followed by white space past the 64 KiB limit is 413:
// the limit counts the whole body.
func TestBodyLimitCountsTrailingWhitespace(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		s := startServer(t, st, 0)
		body := `{"player":"mallory"}` + strings.Repeat(" ", maxBody)
		runBad(t, s, st, http.MethodPost, "/api/login", []apiCase{
			{name: "padded login", body: body, status: http.StatusRequestEntityTooLarge},
		}, nil)
	})
}

// An unknown /api/ path (404) and a wrong method (405) are answered in
// JSON {"error","field"} like every API error, not by the page's file
// server or the ServeMux's plain text.
func TestAPIErrorsAreJSONForUnknownRoutes(t *testing.T) {
	s := startServer(t, teststore.Cases()[0].Open(t), 0)
	for _, c := range []struct {
		method, path string
		status       int
	}{
		{http.MethodGet, "/api/nope", http.StatusNotFound},
		{http.MethodGet, "/api/rooms/", http.StatusNotFound},
		{http.MethodPut, "/api/login", http.StatusMethodNotAllowed},
		{http.MethodPost, "/api/ops", http.StatusMethodNotAllowed},
	} {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			req, err := http.NewRequestWithContext(testCtx(t), c.method, s.base+c.path, nil)
			require.NoError(t, err)
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			require.Equal(t, c.status, res.StatusCode)
			var out map[string]any
			require.NoError(t, json.NewDecoder(res.Body).Decode(&out), "the error is not JSON")
			requireError(t, res.StatusCode, res.Header, out, c.status, "")
		})
	}
}
