package gateway_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/store"
)

func TestUserDataRoundTrip(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		ctx := e.ctx
		_, err := e.svc.CreateNamespace(ctx, gateway.CreateNamespaceInput{Name: "alpha"})
		require.NoError(t, err)
		_, err = e.svc.SetFirebaseToken(ctx, "alpha", "u", "tok-alpha")
		require.NoError(t, err)
		e.clk.Add(time.Second)
		_, err = e.svc.SetFirebaseToken(ctx, ns, "u", "old")
		require.NoError(t, err)
		e.clk.Add(time.Second)
		gameTok, err := e.svc.SetFirebaseToken(ctx, ns, "u", "tok-game")
		require.NoError(t, err)
		alphaTok, err := e.svc.GetFirebaseToken(ctx, "alpha", "u")
		require.NoError(t, err)
		_, c1 := e.bind("u")
		_, c2 := e.bind("u")
		otherID, otherConn := e.bind("other")
		_, err = e.svc.SetFirebaseToken(ctx, ns, "other", "tok-other")
		require.NoError(t, err)

		doc, err := e.svc.Dump(ctx, "u")
		require.NoError(t, err)
		var env struct {
			Format, Service, UserID string
			Version                 int
			CreatedAt               int64
			Data                    json.RawMessage
		}
		require.NoError(t, json.Unmarshal(doc, &env))
		require.Equal(t, "hearth.userdata", env.Format)
		require.Equal(t, "gateway", env.Service)
		require.Equal(t, "u", env.UserID)
		require.Equal(t, clock.Millis(e.clk.Now()), env.CreatedAt)
		require.JSONEq(t, `{"firebaseTokens":[
			{"namespaceName":"alpha","token":"tok-alpha","createdAt":`+itoa(alphaTok.CreatedAt)+`,"updatedAt":`+itoa(alphaTok.UpdatedAt)+`,"revision":0},
			{"namespaceName":"game","token":"tok-game","createdAt":`+itoa(gameTok.CreatedAt)+`,"updatedAt":`+itoa(gameTok.UpdatedAt)+`,"revision":1}
		]}`, string(env.Data), "tokens, no sessions")

		require.NoError(t, e.svc.Clean(ctx, "u"))
		require.Equal(t, gateway.ClosePolicyViolation, c1.closeCode())
		require.Equal(t, gateway.ClosePolicyViolation, c2.closeCode())
		require.Empty(t, e.sessions(ns, "u"))
		require.Empty(t, e.live("u"))
		for _, n := range []string{ns, "alpha"} {
			_, err = e.svc.GetFirebaseToken(ctx, n, "u")
			require.ErrorIs(t, err, gateway.ErrNotFound)
		}
		require.False(t, otherConn.isClosed(), "other users are untouched")
		require.Equal(t, []string{otherID}, e.sessions(ns, "other"))
		_, err = e.svc.GetFirebaseToken(ctx, ns, "other")
		require.NoError(t, err)
		e.requireConsistent()
		empty, err := e.svc.Dump(ctx, "u")
		require.NoError(t, err)
		require.Contains(t, string(empty), `"data":{"firebaseTokens":[]}`)

		require.NoError(t, e.svc.Import(ctx, "", doc))
		got, err := e.svc.GetFirebaseToken(ctx, ns, "u")
		require.NoError(t, err)
		require.Equal(t, *gameTok, *got)
		got, err = e.svc.GetFirebaseToken(ctx, "alpha", "u")
		require.NoError(t, err)
		require.Equal(t, *alphaTok, *got)
		again, err := e.svc.Dump(ctx, "u")
		require.NoError(t, err)
		require.Equal(t, string(doc), string(again))

		// Under another user ID.
		require.NoError(t, e.svc.Import(ctx, "u2", doc))
		got, err = e.svc.GetFirebaseToken(ctx, ns, "u2")
		require.NoError(t, err)
		require.Equal(t, "tok-game", got.Token)
		require.Equal(t, "u2", got.UserID)

		// Never merges.
		unchanged(t, st, func() {
			require.ErrorIs(t, e.svc.Import(ctx, "u", doc), gateway.ErrAlreadyExists)
		})
	})
}

func TestImportRejects(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		ctx := e.ctx
		head := `{"format":"hearth.userdata","version":1,"service":"gateway","userId":"u","createdAt":1,"data":`
		doc := func(tokens ...string) []byte {
			return []byte(head + `{"firebaseTokens":[` + strings.Join(tokens, ",") + `]}}`)
		}
		tok := func(ns, token string, created, updated, rev int64) string {
			b, _ := json.Marshal(map[string]any{"namespaceName": ns, "token": token, "createdAt": created, "updatedAt": updated, "revision": rev})
			return string(b)
		}
		good := tok(ns, "t", 1, 2, 0)
		require.NoError(t, e.svc.Import(ctx, "probe", doc(good)), "the base case is valid")
		require.NoError(t, e.svc.Import(ctx, "probe2", doc(tok(ns, chars(1024), 0, 0, 0))), "a token at its limit")

		unchanged(t, st, func() {
			for field, d := range map[string][]byte{
				"firebaseTokens[0].namespaceName": doc(tok("a/b", "t", 1, 1, 0)),
				"firebaseTokens[1].namespaceName": doc(good, tok("", "t", 1, 1, 0)),
				"firebaseTokens[1].token":         doc(good, tok(ns, chars(1025), 1, 1, 0)),
				"firebaseTokens[0].token":         doc(tok(ns, "", 1, 1, 0)),
				"firebaseTokens[0].createdAt":     doc(tok(ns, "t", -1, 1, 0)),
				"firebaseTokens[0].updatedAt":     doc(tok(ns, "t", 5, 4, 0)),
				"firebaseTokens[0].revision":      doc(tok(ns, "t", 1, 1, -1)),
				"data":                            []byte(head + `{"firebaseTokens":[],"sessions":[]}}`),
				"service":                         []byte(strings.Replace(string(doc(good)), `"gateway"`, `"queue"`, 1)),
				"document":                        []byte(`nope`),
			} {
				requireInvalid(t, e.svc.Import(ctx, "x", d), field)
			}
			requireInvalid(t, e.svc.Import(ctx, "x", doc(good, tok(ns, "t2", 1, 1, 0))), "firebaseTokens[1].namespaceName")
			requireInvalid(t, e.svc.Import(ctx, chars(129), doc(good)), "userId")
			// A missing namespace after a valid one: nothing is imported.
			require.ErrorIs(t, e.svc.Import(ctx, "x", doc(good, tok("missing", "t", 1, 1, 0))), gateway.ErrNotFound)
			// A token already there, after a new one: nothing is imported.
			_, err := e.svc.CreateNamespace(ctx, gateway.CreateNamespaceInput{Name: "zzz"})
			require.NoError(t, err)
			require.ErrorIs(t, e.svc.Import(ctx, "probe", doc(tok("zzz", "t", 1, 1, 0), good)), gateway.ErrAlreadyExists)
			_, err = e.svc.DeleteNamespace(ctx, "zzz")
			require.NoError(t, err)
		})
	})
}
