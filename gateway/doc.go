// Package gateway will be Hearth's GS2-Gateway: the session registry that
// binds client connections to user IDs, notifications to those sessions,
// and mobile push through device tokens.
//
// The gateway service itself arrives in a later change. For now this
// package holds the contract the other services build on, so that they can
// be written in any order: [NotificationSetting], GS2's model of how a
// service notifies users, and the Notify method that *gateway.Service will
// implement.
//
// # Notify
//
// JobQueue and Realtime do not import the gateway service. Each declares,
// on its own side, a one-method interface that *gateway.Service satisfies,
// and its tests pass a fake:
//
//	type Notifier interface {
//		Notify(ctx context.Context, setting gateway.NotificationSetting, userID, subject, payload string) error
//	}
//
// Notify sends a notification to userID through the gateway namespace the
// setting names (see [NotificationSetting.GatewayNamespace]). The frame the
// client receives is GS2's
// {"type":"notification","body":{"issuer","subject","payload"}}, with
// issuer equal to subject, Gs2<Service>:<Event> (e.g. Gs2JobQueue:Push).
// subject is at most [MaxSubjectLen] (128) characters and payload, a JSON
// document carried as a string, at most [MaxPayloadLen] (1,024). A setting
// that is not enabled sends nothing. With
// EnableTransferMobileNotification, a user with no open session gets a
// mobile notification (with the setting's Sound) if a device token is set;
// otherwise nothing is sent — the gateway keeps no inbox.
//
// A notification is a side effect: the calling service calls Notify only
// after its own transaction has committed, logs any error (a missing
// gateway namespace, a failed delivery), and never fails or undoes the call
// that caused it. An absent setting means no notification at all.
//
// # Errors
//
// Errors match one of [ErrInvalidArgument], [ErrNotFound],
// [ErrAlreadyExists] and [ErrConflict] with errors.Is; they are the
// sentinels every Hearth service shares. A validation error names the field
// and the rule, e.g. "runNotification.sound: longer than 256 characters".
//
// # Concurrency
//
// [NotificationSetting] is a plain value; its methods do not modify it and
// are safe to call from any goroutine.
package gateway
