package fcm_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/gateway/fcm"
)

func TestFCMErrorAnswers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name         string
		status       int
		body         string
		unregistered bool
		want         fcm.Error
		text         string
	}{
		{
			name:   "404 UNREGISTERED",
			status: 404,
			body: `{"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND",` +
				`"details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"UNREGISTERED"}]}}`,
			unregistered: true,
			want:         fcm.Error{StatusCode: 404, Status: "NOT_FOUND", ErrorCode: "UNREGISTERED", Message: "Requested entity was not found."},
			text:         "404 NOT_FOUND (UNREGISTERED): Requested entity was not found.",
		},
		{
			name:   "400 INVALID_ARGUMENT naming message.token",
			status: 400,
			body: `{"error":{"code":400,"message":"Request contains an invalid argument.","status":"INVALID_ARGUMENT",` +
				`"details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"INVALID_ARGUMENT"},` +
				`{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"message.token","description":"Invalid registration token"}]}]}}`,
			unregistered: true,
			want:         fcm.Error{StatusCode: 400, Status: "INVALID_ARGUMENT", ErrorCode: "INVALID_ARGUMENT", Message: "Request contains an invalid argument."},
			text:         "400 INVALID_ARGUMENT: Request contains an invalid argument.",
		},
		{
			name:         "400 INVALID_ARGUMENT about the registration token, no details",
			status:       400,
			body:         `{"error":{"code":400,"message":"The registration token is not a valid FCM registration token","status":"INVALID_ARGUMENT"}}`,
			unregistered: true,
			want:         fcm.Error{StatusCode: 400, Status: "INVALID_ARGUMENT", Message: "The registration token is not a valid FCM registration token"},
		},
		{
			name:   "400 INVALID_ARGUMENT about another field",
			status: 400,
			body: `{"error":{"code":400,"message":"Invalid data payload key: from","status":"INVALID_ARGUMENT",` +
				`"details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"INVALID_ARGUMENT"},` +
				`{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"message.data[0].key","description":"Invalid data payload key: from"}]}]}}`,
			want: fcm.Error{StatusCode: 400, Status: "INVALID_ARGUMENT", ErrorCode: "INVALID_ARGUMENT", Message: "Invalid data payload key: from"},
			text: "400 INVALID_ARGUMENT: Invalid data payload key: from",
		},
		{
			name:   "403 SENDER_ID_MISMATCH",
			status: 403,
			body: `{"error":{"code":403,"message":"SenderId mismatch","status":"PERMISSION_DENIED",` +
				`"details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"SENDER_ID_MISMATCH"}]}}`,
			want: fcm.Error{StatusCode: 403, Status: "PERMISSION_DENIED", ErrorCode: "SENDER_ID_MISMATCH", Message: "SenderId mismatch"},
			text: "403 PERMISSION_DENIED (SENDER_ID_MISMATCH): SenderId mismatch",
		},
		{
			name:   "401 UNAUTHENTICATED",
			status: 401,
			body:   `{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}`,
			want:   fcm.Error{StatusCode: 401, Status: "UNAUTHENTICATED", Message: "Request had invalid authentication credentials."},
			text:   "401 UNAUTHENTICATED: Request had invalid authentication credentials.",
		},
		{
			name:   "404 without FCM's JSON",
			status: 404,
			body:   "404 page not found\n",
			want:   fcm.Error{StatusCode: 404, Message: "404 page not found"},
			text:   "404: 404 page not found",
		},
		{
			name:   "400 with an empty body",
			status: 400,
			want:   fcm.Error{StatusCode: 400, Message: "Bad Request"},
			text:   "400: Bad Request",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeGoogle(t)
			f.scriptSends(reply{status: tc.status, body: tc.body})
			p, clk := newPusher(t, f, nil)

			err := pushWait(t, p, msg)
			require.Error(t, err)
			var fe *fcm.Error
			require.ErrorAs(t, err, &fe)
			require.Equal(t, tc.want.StatusCode, fe.StatusCode)
			require.Equal(t, tc.want.Status, fe.Status)
			require.Equal(t, tc.want.ErrorCode, fe.ErrorCode)
			require.Equal(t, tc.want.Message, fe.Message)
			require.Equal(t, tc.unregistered, fe.Unregistered())
			if tc.unregistered {
				require.ErrorIs(t, err, gateway.ErrTokenUnregistered)
			} else {
				require.NotErrorIs(t, err, gateway.ErrTokenUnregistered)
			}
			if tc.text != "" {
				require.Equal(t, "fcm: push: "+tc.text, err.Error())
			}
			require.Len(t, f.sent(), 1, "a 4xx is not retried")
			require.Zero(t, clk.Waiters(), "no backoff armed")
		})
	}
}

func TestErrorIsUnregisteredWithoutAPush(t *testing.T) {
	t.Parallel()
	e := &fcm.Error{StatusCode: 404, Status: "NOT_FOUND", ErrorCode: "UNREGISTERED"}
	require.ErrorIs(t, e, gateway.ErrTokenUnregistered)
	require.False(t, (&fcm.Error{StatusCode: 404, Status: "NOT_FOUND"}).Unregistered())
	require.False(t, (&fcm.Error{StatusCode: 500, Status: "INTERNAL", Message: "registration token store down"}).Unregistered(),
		"only a 400 INVALID_ARGUMENT message counts")
}
