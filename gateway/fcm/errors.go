package fcm

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hearth-go/hearth/gateway"
)

// maxErrorBody is how much of an answer's body the pusher reads.
const maxErrorBody = 64 << 10

// Error is FCM's answer to a request it did not accept. Push returns it
// (wrapped) for any answer that is not 2xx: at once for a 4xx, after the
// last attempt for 429 and 5xx. It matches gateway.ErrTokenUnregistered
// with errors.Is when FCM says the device token is not (or no longer)
// valid; find it with errors.As for the details.
type Error struct {
	// StatusCode is the HTTP status, e.g. 404.
	StatusCode int
	// Status is the google.rpc status FCM names, e.g. "NOT_FOUND"; empty
	// when the body was not FCM's error JSON.
	Status string
	// ErrorCode is FCM's own code from the error details, e.g.
	// "UNREGISTERED", "INVALID_ARGUMENT", "QUOTA_EXCEEDED"; may be empty.
	ErrorCode string
	// Message is FCM's human-readable message (or the start of the body
	// when it was not JSON).
	Message string

	tokenField bool // a field violation names message.token
}

// Error reads e.g. "404 NOT_FOUND (UNREGISTERED): Requested entity was not
// found.".
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d", e.StatusCode)
	if e.Status != "" {
		b.WriteString(" " + e.Status)
	}
	if e.ErrorCode != "" && e.ErrorCode != e.Status {
		b.WriteString(" (" + e.ErrorCode + ")")
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	return b.String()
}

// Unregistered reports whether FCM refused the device token: errorCode
// UNREGISTERED (the app was uninstalled or the token expired), or a 400
// INVALID_ARGUMENT about the token itself (a malformed token) — not about
// another field of the message.
func (e *Error) Unregistered() bool {
	if e.ErrorCode == "UNREGISTERED" {
		return true
	}
	if e.StatusCode != http.StatusBadRequest || e.Status != "INVALID_ARGUMENT" {
		return false
	}
	return e.tokenField || strings.Contains(strings.ToLower(e.Message), "registration token")
}

// Is makes errors.Is(err, gateway.ErrTokenUnregistered) true when
// Unregistered is.
func (e *Error) Is(target error) bool {
	return target == gateway.ErrTokenUnregistered && e.Unregistered()
}

// errorBody is Google's JSON error envelope as FCM v1 fills it.
type errorBody struct {
	Error struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Status  string `json:"status"`
		Details []struct {
			Type            string `json:"@type"`
			ErrorCode       string `json:"errorCode"`
			FieldViolations []struct {
				Field string `json:"field"`
			} `json:"fieldViolations"`
		} `json:"details"`
	} `json:"error"`
}

// parseError builds the Error for an answer with status code and body raw.
func parseError(code int, raw []byte) *Error {
	e := &Error{StatusCode: code}
	var body errorBody
	if err := json.Unmarshal(raw, &body); err != nil || (body.Error.Status == "" && body.Error.Message == "") {
		msg := strings.TrimSpace(string(raw))
		if len(msg) > 200 {
			msg = strings.ToValidUTF8(msg[:200], "") + "…"
		}
		if msg == "" {
			msg = http.StatusText(code)
		}
		e.Message = msg
		return e
	}
	e.Status, e.Message = body.Error.Status, body.Error.Message
	for _, d := range body.Error.Details {
		if d.ErrorCode != "" && e.ErrorCode == "" {
			e.ErrorCode = d.ErrorCode
		}
		for _, v := range d.FieldViolations {
			if v.Field == "message.token" {
				e.tokenField = true
			}
		}
	}
	return e
}

// retryableError marks a failed attempt that Push may repeat, with the wait
// the server asked for, if any.
type retryableError struct {
	err           error
	retryAfter    time.Duration
	hasRetryAfter bool
}

func (e *retryableError) Error() string { return e.err.Error() }
func (e *retryableError) Unwrap() error { return e.err }
