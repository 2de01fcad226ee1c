package gateway_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/store"
)

// TestSetUserIDRules covers every branch of SetUserID's rules
// (SEMANTICS.md): which of the user's existing sessions survive, which are
// closed, and when the call fails with ErrConflict and changes nothing.
func TestSetUserIDRules(t *testing.T) {
	t.Parallel()
	type existing struct {
		user, sessionID string
	}
	tests := []struct {
		name     string
		existing []existing
		allow    *bool
		session  string
		force    bool
		selfWas  string // the binding connection is already bound to this user
		conflict bool
		replaced []int // indexes of existing sessions replaced (closed)
	}{
		{name: "default allows concurrent access", existing: []existing{{"u", "a"}}, allow: nil},
		{name: "concurrent access keeps others", existing: []existing{{"u", "a"}, {"u", ""}}, allow: ptr(true), session: "a"},
		{name: "concurrent access ignores force", existing: []existing{{"u", "a"}}, allow: ptr(true), force: true},
		{name: "single: no other session binds", existing: []existing{{"v", "a"}}, allow: ptr(false)},
		{name: "single: nothing at all binds", allow: ptr(false), session: "s"},
		{name: "single: same sessionId reconnects", existing: []existing{{"u", "s1"}}, allow: ptr(false), session: "s1", replaced: []int{0}},
		{name: "single: every other with the same sessionId is replaced", existing: []existing{{"u", "s1"}, {"u", "s1"}, {"v", "s1"}}, allow: ptr(false), session: "s1", replaced: []int{0, 1}},
		{name: "single: empty sessionIds are not a reconnect", existing: []existing{{"u", ""}}, allow: ptr(false), conflict: true},
		{name: "single: other sessionId conflicts", existing: []existing{{"u", "s1"}}, allow: ptr(false), session: "s2", conflict: true},
		{name: "single: no sessionId conflicts", existing: []existing{{"u", "s1"}}, allow: ptr(false), conflict: true},
		{name: "single: one other sessionId among matching ones conflicts", existing: []existing{{"u", "s1"}, {"u", "s2"}}, allow: ptr(false), session: "s1", conflict: true},
		{name: "single: force replaces others", existing: []existing{{"u", "s1"}, {"u", ""}, {"v", ""}}, allow: ptr(false), session: "s2", force: true, replaced: []int{0, 1}},
		{name: "single: force without sessionId", existing: []existing{{"u", "s1"}}, allow: ptr(false), force: true, replaced: []int{0}},
		{name: "single: own session does not count", allow: ptr(false), selfWas: "u"},
		{name: "single: own session, another one conflicts", existing: []existing{{"u", "x"}}, allow: ptr(false), selfWas: "u", conflict: true},
		{name: "single: moving from another user", existing: []existing{{"u", "x"}}, allow: ptr(false), selfWas: "w", conflict: true},
		{name: "single: moving from another user with force", existing: []existing{{"u", "x"}}, allow: ptr(false), selfWas: "w", force: true, replaced: []int{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			eachStore(t, func(t *testing.T, st store.Store) {
				e := newEnv(t, st, nil)
				type conn struct {
					id   string
					c    *fakeConn
					user string
				}
				var olds []conn
				for _, x := range tt.existing {
					id, c := e.connect(ns)
					_, err := e.svc.SetUserID(e.ctx, gateway.SetUserIDInput{NamespaceName: ns, ConnectionID: id, UserID: x.user, SessionID: x.sessionID})
					require.NoError(t, err)
					olds = append(olds, conn{id, c, x.user})
				}
				self, selfConn := e.connect(ns)
				if tt.selfWas != "" {
					_, err := e.svc.SetUserID(e.ctx, gateway.SetUserIDInput{NamespaceName: ns, ConnectionID: self, UserID: tt.selfWas})
					require.NoError(t, err)
				}
				before := dump(t, st)
				liveBefore := e.live("u")

				in := gateway.SetUserIDInput{
					NamespaceName: ns, ConnectionID: self, UserID: "u",
					AllowConcurrentAccess: tt.allow, SessionID: tt.session, Force: tt.force,
				}
				s, err := e.svc.SetUserID(e.ctx, in)
				if tt.conflict {
					require.ErrorIs(t, err, gateway.ErrConflict)
					require.Nil(t, s)
					require.Equal(t, before, dump(t, st), "nothing changes")
					require.Equal(t, liveBefore, e.live("u"))
					for _, o := range append(olds, conn{self, selfConn, ""}) {
						require.False(t, o.c.isClosed(), "no connection is closed")
					}
					return
				}
				require.NoError(t, err)
				require.Equal(t, "u", s.UserID)
				require.Equal(t, tt.session, s.SessionID)

				replaced := map[int]bool{}
				for _, i := range tt.replaced {
					replaced[i] = true
				}
				wantU := []string{self}
				for i, o := range olds {
					if replaced[i] {
						require.Equal(t, gateway.ClosePolicyViolation, o.c.closeCode(), "session %d replaced", i)
						continue
					}
					require.False(t, o.c.isClosed(), "session %d kept", i)
					if o.user == "u" {
						wantU = append(wantU, o.id)
					}
				}
				require.False(t, selfConn.isClosed())
				require.Equal(t, sorted(wantU...), e.sessions(ns, "u"))
				require.Equal(t, sorted(wantU...), e.live("u"))
				if tt.selfWas != "" && tt.selfWas != "u" {
					require.Empty(t, e.sessions(ns, tt.selfWas))
				}
				e.requireConsistent()
			})
		})
	}
}
