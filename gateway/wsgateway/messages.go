package wsgateway

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/gateway/token"
)

// Message types of the protocol (the "type" of a frame).
const (
	// TypeConnected is the first frame the server sends: body
	// {"connectionId"}.
	TypeConnected = "connected"
	// TypeSetUserID is the client's request to bind the connection to the
	// user its token names, and the server's answer: body {"session"}.
	TypeSetUserID = "setUserId"
	// TypeNotification is a notification, GS2's frame: body {"issuer",
	// "subject", "payload"}.
	TypeNotification = "notification"
	// TypeError answers a client message that failed: body {"code",
	// "message"}.
	TypeError = "error"
)

// clientMessage is any message from the client.
type clientMessage struct {
	Type string          `json:"type"`
	Body json.RawMessage `json:"body"`
}

// setUserIDRequest is the body of a client's setUserId message.
type setUserIDRequest struct {
	Token                 string `json:"token"`
	AllowConcurrentAccess *bool  `json:"allowConcurrentAccess"`
	SessionID             string `json:"sessionId"`
	Force                 bool   `json:"force"`
}

// handle answers one text message of the client.
func (c *conn) handle(data []byte) {
	var m clientMessage
	if err := json.Unmarshal(data, &m); err != nil {
		c.reply(errorFrame(http.StatusBadRequest, "malformed message: not a JSON object with a type"))
		return
	}
	switch m.Type {
	case TypeSetUserID:
		c.setUserID(m.Body)
	default:
		c.reply(errorFrame(http.StatusBadRequest, fmt.Sprintf("unknown message type %q", m.Type)))
	}
}

// setUserID binds the connection to the user the client's token names.
func (c *conn) setUserID(body json.RawMessage) {
	if c.h.verifier == nil {
		c.reply(errorFrame(http.StatusBadRequest, "setUserId is not enabled on this gateway: the server binds connections"))
		return
	}
	var req setUserIDRequest
	if len(body) > 0 {
		if err := json.Unmarshal(body, &req); err != nil {
			c.reply(errorFrame(http.StatusBadRequest, "malformed setUserId body"))
			return
		}
	}
	userID, err := c.h.verifier.Verify(c.h.ctx, req.Token)
	if err != nil {
		msg := "invalid token"
		if errors.Is(err, token.ErrExpired) {
			msg = "token expired"
		}
		c.h.log.Debug("wsgateway: token refused", "connectionId", c.id, "err", err)
		c.reply(errorFrame(http.StatusUnauthorized, msg))
		return
	}
	allow := req.AllowConcurrentAccess
	if allow == nil {
		allow = c.h.allowConc
	}
	sess, err := c.h.svc.SetUserID(c.h.ctx, gateway.SetUserIDInput{
		NamespaceName:         c.h.ns,
		ConnectionID:          c.id,
		UserID:                userID,
		AllowConcurrentAccess: allow,
		SessionID:             req.SessionID,
		Force:                 req.Force,
	})
	if err != nil {
		code, msg := status(err)
		if code == http.StatusInternalServerError {
			c.h.log.Error("wsgateway: setUserId failed", "connectionId", c.id, "err", err)
		}
		c.reply(errorFrame(code, msg))
		return
	}
	c.reply(sessionFrame(sess))
}

// status maps a SetUserID error to the code and message of an error frame.
func status(err error) (int, string) {
	switch {
	case errors.Is(err, gateway.ErrInvalidArgument):
		return http.StatusBadRequest, err.Error()
	case errors.Is(err, gateway.ErrNotFound):
		return http.StatusNotFound, err.Error()
	case errors.Is(err, gateway.ErrConflict):
		return http.StatusConflict, err.Error()
	case errors.Is(err, gateway.ErrStopped):
		return http.StatusServiceUnavailable, "server is stopping"
	}
	return http.StatusInternalServerError, "internal error"
}

// frame is any message from the server.
type frame[B any] struct {
	Type string `json:"type"`
	Body B      `json:"body"`
}

func mustMarshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("wsgateway: encoding a frame: %v", err)) // plain structs of strings: cannot fail
	}
	return b
}

func connectedFrame(connectionID string) []byte {
	type body struct {
		ConnectionID string `json:"connectionId"`
	}
	return mustMarshal(frame[body]{TypeConnected, body{connectionID}})
}

func sessionFrame(s *gateway.WebSocketSession) []byte {
	type body struct {
		Session *gateway.WebSocketSession `json:"session"`
	}
	return mustMarshal(frame[body]{TypeSetUserID, body{s}})
}

func errorFrame(code int, message string) []byte {
	type body struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	return mustMarshal(frame[body]{TypeError, body{code, message}})
}
