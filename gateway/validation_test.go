package gateway_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/store"
)

func ascii(n int) string { return strings.Repeat("n", n) }

// limitCase is one string field of one method: at max characters the call
// is not refused as invalid; at max+1 it fails with ErrInvalidArgument
// naming field and changes nothing; if required, so does "".
type limitCase struct {
	method, field string
	max           int
	required      bool
	value         func(n int) string // a value of n characters; nil means chars
	call          func(v string) error
}

// TestEveryFieldLimit checks every string limit of every method.
func TestEveryFieldLimit(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		ctx := e.ctx
		connID, _ := e.connect(ns)
		e.bind("u")
		_, err := e.svc.SetFirebaseToken(ctx, ns, "u", "tok")
		require.NoError(t, err)

		nsName := func(call func(v string) error) []limitCase {
			return []limitCase{{field: "namespaceName", max: 128, required: true, value: ascii, call: call}}
		}
		var cases []limitCase
		add := func(method string, cs ...limitCase) {
			for _, c := range cs {
				c.method = method
				cases = append(cases, c)
			}
		}
		err1 := func(_ any, err error) error { return err }
		err2 := func(_, _ any, err error) error { return err }

		add("CreateNamespace",
			limitCase{field: "name", max: 128, required: true, value: ascii, call: func(v string) error {
				return err1(e.svc.CreateNamespace(ctx, gateway.CreateNamespaceInput{Name: v}))
			}},
			limitCase{field: "description", max: 1024, call: func(v string) error {
				return err1(e.svc.CreateNamespace(ctx, gateway.CreateNamespaceInput{Name: "d" + ascii(len(v)%50), Description: v}))
			}},
			limitCase{field: "firebaseSecret", max: 1024, call: func(v string) error {
				return err1(e.svc.CreateNamespace(ctx, gateway.CreateNamespaceInput{Name: "f" + ascii(len(v)%50), FirebaseSecret: v}))
			}},
			limitCase{field: "transactionSetting.distributorNamespaceId", max: 1024, value: grnOf, call: func(v string) error {
				return err1(e.svc.CreateNamespace(ctx, gateway.CreateNamespaceInput{Name: "t" + ascii(len(v)%50), TransactionSetting: &gateway.TransactionSetting{DistributorNamespaceID: v}}))
			}},
			limitCase{field: "transactionSetting.queueNamespaceId", max: 1024, value: grnOf, call: func(v string) error {
				return err1(e.svc.CreateNamespace(ctx, gateway.CreateNamespaceInput{Name: "q" + ascii(len(v)%50), TransactionSetting: &gateway.TransactionSetting{QueueNamespaceID: v}}))
			}},
			limitCase{field: "logSetting.loggingNamespaceId", max: 1024, required: true, value: grnOf, call: func(v string) error {
				return err1(e.svc.CreateNamespace(ctx, gateway.CreateNamespaceInput{Name: "l" + ascii(len(v)%50), LogSetting: &gateway.LogSetting{LoggingNamespaceID: v}}))
			}},
		)
		add("UpdateNamespace", append(nsName(func(v string) error {
			return err1(e.svc.UpdateNamespace(ctx, gateway.UpdateNamespaceInput{NamespaceName: v}))
		}),
			limitCase{field: "description", max: 1024, call: func(v string) error {
				return err1(e.svc.UpdateNamespace(ctx, gateway.UpdateNamespaceInput{NamespaceName: ns, Description: v, FirebaseSecret: "secret"}))
			}},
			limitCase{field: "firebaseSecret", max: 1024, call: func(v string) error {
				return err1(e.svc.UpdateNamespace(ctx, gateway.UpdateNamespaceInput{NamespaceName: ns, FirebaseSecret: v}))
			}},
		)...)
		add("GetNamespace", nsName(func(v string) error { return err1(e.svc.GetNamespace(ctx, v)) })...)
		add("GetNamespaceStatus", nsName(func(v string) error { return err1(e.svc.GetNamespaceStatus(ctx, v)) })...)
		add("DeleteNamespace", nsName(func(v string) error { return err1(e.svc.DeleteNamespace(ctx, v)) })...)
		add("DescribeNamespaces", limitCase{field: "namePrefix", max: 64, value: ascii, call: func(v string) error {
			return err2(e.svc.DescribeNamespaces(ctx, gateway.DescribeNamespacesInput{NamePrefix: v}))
		}})
		add("Connect", nsName(func(v string) error { return err1(e.svc.Connect(ctx, v, newFakeConn())) })...)

		setUser := func(in gateway.SetUserIDInput) error { return err1(e.svc.SetUserID(ctx, in)) }
		add("SetUserID", append(nsName(func(v string) error {
			return setUser(gateway.SetUserIDInput{NamespaceName: v, ConnectionID: connID, UserID: "u"})
		}),
			limitCase{field: "connectionId", max: 128, required: true, call: func(v string) error {
				return setUser(gateway.SetUserIDInput{NamespaceName: ns, ConnectionID: v, UserID: "u"})
			}},
			limitCase{field: "userId", max: 128, required: true, call: func(v string) error {
				return setUser(gateway.SetUserIDInput{NamespaceName: ns, ConnectionID: "missing", UserID: v})
			}},
			limitCase{field: "sessionId", max: 128, call: func(v string) error {
				return setUser(gateway.SetUserIDInput{NamespaceName: ns, ConnectionID: "missing", UserID: "u", SessionID: v})
			}},
		)...)

		// Methods that take (namespace, user).
		userMethods := map[string]func(ns, user string) error{
			"DescribeWebSocketSessions": func(n, u string) error {
				_, _, err := e.svc.DescribeWebSocketSessions(ctx, n, u, "", 0)
				return err
			},
			"DisconnectByUserID":  func(n, u string) error { return err1(e.svc.DisconnectByUserID(ctx, n, u)) },
			"GetFirebaseToken":    func(n, u string) error { return err1(e.svc.GetFirebaseToken(ctx, n, u)) },
			"DeleteFirebaseToken": func(n, u string) error { return err1(e.svc.DeleteFirebaseToken(ctx, n, u)) },
			"SetFirebaseToken":    func(n, u string) error { return err1(e.svc.SetFirebaseToken(ctx, n, u, "tok")) },
			"SendNotification": func(n, u string) error {
				return err1(e.svc.SendNotification(ctx, gateway.SendNotificationInput{NamespaceName: n, UserID: u, Subject: "s", Payload: "p"}))
			},
			"SendMobileNotification": func(n, u string) error {
				return e.svc.SendMobileNotification(ctx, gateway.SendMobileNotificationInput{NamespaceName: n, UserID: u, Subject: "s", Payload: "p"})
			},
		}
		for method, call := range userMethods {
			add(method,
				limitCase{field: "namespaceName", max: 128, required: true, value: ascii, call: func(v string) error { return call(v, "u") }},
				limitCase{field: "userId", max: 128, required: true, call: func(v string) error { return call(ns, v) }},
			)
		}
		add("DisconnectAll", nsName(func(v string) error { return e.svc.DisconnectAll(ctx, v) })...)
		add("SetFirebaseToken", limitCase{field: "token", max: 1024, required: true, call: func(v string) error {
			return err1(e.svc.SetFirebaseToken(ctx, ns, "u", v))
		}})

		sendTo := func(user string) func(mod func(*gateway.SendNotificationInput)) error {
			return func(mod func(*gateway.SendNotificationInput)) error {
				in := gateway.SendNotificationInput{NamespaceName: ns, UserID: user, Subject: "s", Payload: "p"}
				mod(&in)
				return err1(e.svc.SendNotification(ctx, in))
			}
		}
		for _, user := range []string{"u", "offline"} { // the online and offline paths
			sendN := sendTo(user)
			add("SendNotification to "+user,
				limitCase{field: "issuer", max: 256, call: func(v string) error { return sendN(func(in *gateway.SendNotificationInput) { in.Issuer = v }) }},
				limitCase{field: "subject", max: 128, required: true, call: func(v string) error {
					return sendN(func(in *gateway.SendNotificationInput) { in.Subject = v })
				}},
				limitCase{field: "payload", max: 1024, required: true, call: func(v string) error {
					return sendN(func(in *gateway.SendNotificationInput) { in.Payload = v })
				}},
				limitCase{field: "sound", max: 256, call: func(v string) error {
					return sendN(func(in *gateway.SendNotificationInput) { in.Sound = v; in.EnableTransferMobileNotification = true })
				}},
			)
		}
		notifySetting := gateway.NotificationSetting{GatewayNamespaceID: "grn:gs2:local:hearth:gateway:" + ns}
		add("Notify",
			limitCase{field: "userId", max: 128, required: true, call: func(v string) error { return e.svc.Notify(ctx, notifySetting, v, "s", "p") }},
			limitCase{field: "subject", max: 128, required: true, call: func(v string) error { return e.svc.Notify(ctx, notifySetting, "u", v, "p") }},
			limitCase{field: "payload", max: 1024, required: true, call: func(v string) error { return e.svc.Notify(ctx, notifySetting, "u", "s", v) }},
			limitCase{field: "sound", max: 256, call: func(v string) error {
				s := notifySetting
				s.Sound, s.EnableTransferMobileNotification = v, true
				return e.svc.Notify(ctx, s, "offline", "s", "p")
			}},
		)
		sendM := func(mod func(*gateway.SendMobileNotificationInput)) error {
			in := gateway.SendMobileNotificationInput{NamespaceName: ns, UserID: "u", Subject: "s", Payload: "p"}
			mod(&in)
			return e.svc.SendMobileNotification(ctx, in)
		}
		add("SendMobileNotification",
			limitCase{field: "subject", max: 256, required: true, call: func(v string) error {
				return sendM(func(in *gateway.SendMobileNotificationInput) { in.Subject = v })
			}},
			limitCase{field: "payload", max: 1024, required: true, call: func(v string) error {
				return sendM(func(in *gateway.SendMobileNotificationInput) { in.Payload = v })
			}},
			limitCase{field: "sound", max: 256, call: func(v string) error {
				return sendM(func(in *gateway.SendMobileNotificationInput) { in.Sound = v })
			}},
		)
		add("Dump", limitCase{field: "userId", max: 128, required: true, call: func(v string) error { return err1(e.svc.Dump(ctx, v)) }})
		add("Clean", limitCase{field: "userId", max: 128, required: true, call: func(v string) error { return e.svc.Clean(ctx, v) }})

		for _, c := range cases {
			value := c.value
			if value == nil {
				value = chars
			}
			err := c.call(value(c.max))
			require.NotErrorIs(t, err, gateway.ErrInvalidArgument, "%s: %s at its limit", c.method, c.field)
			unchanged(t, st, func() {
				requireInvalid(t, c.call(value(c.max+1)), c.field, "%s: %s over its limit", c.method, c.field)
				if c.required {
					requireInvalid(t, c.call(""), c.field, "%s: %s empty", c.method, c.field)
				}
			})
		}
	})
}

// grnOf returns a GRN of n characters.
func grnOf(n int) string { return "grn:gs2:" + ascii(n-len("grn:gs2:")) }

// TestOtherInvalidArguments: the rules that are not lengths.
func TestOtherInvalidArguments(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		ctx := e.ctx
		for range 3 {
			e.bind("u")
			e.bind("v")
		}
		_, otherToken, err := e.svc.DescribeWebSocketSessions(ctx, ns, "v", "", 1)
		require.NoError(t, err)
		require.NotEmpty(t, otherToken)

		unchanged(t, st, func() {
			for _, name := range []string{"a/b", "a b", "é", "a:b"} {
				_, err := e.svc.CreateNamespace(ctx, gateway.CreateNamespaceInput{Name: name})
				requireInvalid(t, err, "name", name)
				_, err = e.svc.SetUserID(ctx, gateway.SetUserIDInput{NamespaceName: name, ConnectionID: "c", UserID: "u"})
				requireInvalid(t, err, "namespaceName", name)
				_, err = e.svc.Connect(ctx, name, newFakeConn())
				requireInvalid(t, err, "namespaceName", name)
			}
			for _, id := range []string{"queue:q", "grn:aws:x"} {
				_, err := e.svc.CreateNamespace(ctx, gateway.CreateNamespaceInput{Name: "x", TransactionSetting: &gateway.TransactionSetting{QueueNamespaceID: id}})
				requireInvalid(t, err, "transactionSetting.queueNamespaceId", id)
				_, err = e.svc.CreateNamespace(ctx, gateway.CreateNamespaceInput{Name: "x", LogSetting: &gateway.LogSetting{LoggingNamespaceID: id}})
				requireInvalid(t, err, "logSetting.loggingNamespaceId", id)
			}
			for _, limit := range []int{-1, 1001} {
				_, _, err := e.svc.DescribeWebSocketSessions(ctx, ns, "u", "", limit)
				requireInvalid(t, err, "limit", "limit %d", limit)
				_, _, err = e.svc.DescribeNamespaces(ctx, gateway.DescribeNamespacesInput{Limit: limit})
				requireInvalid(t, err, "limit", "limit %d", limit)
			}
			for _, token := range []string{"bad", "!!!!", otherToken, strings.Repeat("A", 1025)} {
				_, _, err := e.svc.DescribeWebSocketSessions(ctx, ns, "u", token, 0)
				requireInvalid(t, err, "pageToken", "token %q", token)
			}
		})
		for _, limit := range []int{1, 1000} {
			_, _, err := e.svc.DescribeWebSocketSessions(ctx, ns, "u", "", limit)
			require.NoError(t, err)
		}
	})
}
