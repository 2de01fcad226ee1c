package fcm

import (
	"bytes"
	"encoding/json"

	"github.com/hearth-go/hearth/gateway"
)

// sendRequest is the body of messages:send.
type sendRequest struct {
	Message wireMessage `json:"message"`
}

// wireMessage is FCM v1's Message, reduced to what a MobileMessage fills.
type wireMessage struct {
	Token        string            `json:"token"`
	Notification *wireNotification `json:"notification,omitempty"`
	Data         map[string]string `json:"data,omitempty"`
	Android      *wireAndroid      `json:"android,omitempty"`
	APNs         *wireAPNs         `json:"apns,omitempty"`
}

type wireNotification struct {
	Title string `json:"title,omitempty"`
	Body  string `json:"body,omitempty"`
}

type wireAndroid struct {
	Notification wireAndroidNotification `json:"notification"`
}

type wireAndroidNotification struct {
	Sound string `json:"sound"`
}

type wireAPNs struct {
	Payload wireAPNsPayload `json:"payload"`
}

type wireAPNsPayload struct {
	APS wireAPS `json:"aps"`
}

type wireAPS struct {
	Sound string `json:"sound"`
}

// encodeMessage builds the messages:send body for msg: the token, a
// notification with the title and body (left out when both are empty), the
// data (left out when empty) and, when msg.Sound is set, the sound for
// Android and for APNs. Map keys come out sorted; HTML characters are not
// escaped.
func encodeMessage(msg gateway.MobileMessage) ([]byte, error) {
	m := wireMessage{Token: msg.Token, Data: msg.Data}
	if msg.Title != "" || msg.Body != "" {
		m.Notification = &wireNotification{Title: msg.Title, Body: msg.Body}
	}
	if msg.Sound != "" {
		m.Android = &wireAndroid{Notification: wireAndroidNotification{Sound: msg.Sound}}
		m.APNs = &wireAPNs{Payload: wireAPNsPayload{APS: wireAPS{Sound: msg.Sound}}}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(sendRequest{Message: m}); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
