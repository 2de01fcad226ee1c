package jobqueue

import (
	"context"
	"encoding/json"
	"unicode/utf8"

	"github.com/hearth-go/hearth/gateway"
)

// Notification subjects (and issuers) of the service.
const (
	// SubjectPush is sent after a push to a namespace without auto-run.
	SubjectPush = "Gs2JobQueue:Push"
	// SubjectRun is sent after every attempt.
	SubjectRun = "Gs2JobQueue:RunNotification"
)

type pushPayload struct {
	NamespaceName string `json:"namespaceName"`
	UserID        string `json:"userId"`
}

type runPayload struct {
	NamespaceName string  `json:"namespaceName"`
	UserID        string  `json:"userId"`
	JobName       string  `json:"jobName"`
	TryNumber     int     `json:"tryNumber"`
	StatusCode    int     `json:"statusCode"`
	Result        *string `json:"result,omitempty"`
}

// notifyPush sends Gs2JobQueue:Push if the namespace asks for it.
func (s *Service) notifyPush(ctx context.Context, set settings, u userKey) {
	if s.notifier == nil || set.PushNotification == nil || set.EnableAutoRun {
		return
	}
	p, _ := json.Marshal(pushPayload{NamespaceName: u.ns, UserID: u.user})
	s.notify(ctx, *set.PushNotification, u, SubjectPush, string(p))
}

// notifyRun sends Gs2JobQueue:RunNotification for a finished attempt, with
// the result when the payload stays within the gateway's limit.
func (s *Service) notifyRun(ctx context.Context, a *attempt) {
	if s.notifier == nil || a.set.RunNotification == nil {
		return
	}
	pl := runPayload{NamespaceName: a.u.ns, UserID: a.u.user, JobName: a.name, TryNumber: a.try, StatusCode: a.status}
	// The limit counts characters: a result of up to 4 bytes a character
	// may fit.
	if len(a.result) <= utf8.UTFMax*gateway.MaxPayloadLen {
		pl.Result = &a.result
	}
	p, _ := json.Marshal(pl)
	if pl.Result != nil && utf8.RuneCount(p) > gateway.MaxPayloadLen {
		pl.Result = nil
		p, _ = json.Marshal(pl)
	}
	s.notify(ctx, *a.set.RunNotification, a.u, SubjectRun, string(p))
}

func (s *Service) notify(ctx context.Context, set NotificationSetting, u userKey, subject, payload string) {
	if !set.Enabled() {
		return
	}
	if err := s.notifier.Notify(ctx, set, u.user, subject, payload); err != nil {
		s.log.Warn("jobqueue: notification failed", "subject", subject, "namespace", u.ns, "user", u.user, "err", err)
	}
}
