package gateway

import (
	"errors"

	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/grn"
	"github.com/hearth-go/hearth/internal/validate"
)

// serviceToken is the GRN service token of the gateway, and the first
// segment of its store keys: a gateway namespace GRN is
// grn:gs2:{region}:{owner}:gateway:{name}.
const serviceToken = "gateway"

// DefaultNamespace is the gateway namespace a NotificationSetting sends
// through when it names none.
const DefaultNamespace = "default"

// Values of NotificationSetting.Enable.
const (
	// NotificationEnabled sends notifications (the default).
	NotificationEnabled = "Enabled"
	// NotificationDisabled sends none.
	NotificationDisabled = "Disabled"
)

// Limits of a notification, in characters, shared by Notify and the
// NotificationSetting fields.
const (
	// MaxGatewayNamespaceIDLen is the longest gatewayNamespaceId.
	MaxGatewayNamespaceIDLen = 1024
	// MaxSoundLen is the longest sound. GS2's NotificationSetting allows
	// 1,024, but its gateway takes only 256, so Hearth limits it to 256
	// everywhere: a longer one could never be delivered.
	MaxSoundLen = 256
	// MaxSubjectLen is the longest subject Notify accepts.
	MaxSubjectLen = 128
	// MaxPayloadLen is the longest payload Notify accepts.
	MaxPayloadLen = 1024
)

// NotificationSetting is GS2's NotificationSetting: how a service (JobQueue's
// pushNotification and runNotification, Realtime's createNotification)
// notifies users through a gateway namespace. It is the one type the
// consumer services import from this package; they never import its
// transports. A nil or absent setting means no notification.
//
// # The Notify contract
//
// Each consumer declares its own one-method interface, which
// *gateway.Service implements and tests replace with a fake:
//
//	type Notifier interface {
//		Notify(ctx context.Context, setting gateway.NotificationSetting, userID, subject, payload string) error
//	}
//
// Notify sends one notification to userID through the gateway namespace
// setting.GatewayNamespace():
//
//   - The frame's issuer equals subject, which is Gs2<Service>:<Event>
//     (e.g. Gs2JobQueue:Push), as GS2's clients match on the issuer.
//     subject is at most MaxSubjectLen (128) characters, payload (a JSON
//     document, sent as a string) at most MaxPayloadLen (1,024).
//   - A setting that is not Enabled sends nothing and returns nil.
//   - The notification goes to every session of the user; with
//     EnableTransferMobileNotification, a user with no session gets it as a
//     mobile notification with Sound, if a device token is set. Otherwise
//     nothing is sent: the gateway keeps no inbox.
//   - The caller calls Notify only after its own transaction has
//     committed, as a side effect. An error (a missing gateway namespace, a
//     failed delivery, an invalid argument) is logged by the caller and
//     never fails or undoes the call that caused the notification.
//
// Hand Notify the setting as stored (after WithDefaults), so that
// GatewayNamespaceID and Enable hold their defaults.
type NotificationSetting struct {
	// GatewayNamespaceID is the GRN of the gateway namespace to send
	// through, grn:gs2:{region}:{owner}:gateway:{name}, at most 1,024
	// characters. Empty means grn:gs2:{region}:{owner}:gateway:default
	// under Hearth's region and owner (see WithDefaults).
	GatewayNamespaceID string `json:"gatewayNamespaceId,omitempty"`
	// EnableTransferMobileNotification forwards the notification to the
	// user's device when the user has no open session.
	EnableTransferMobileNotification bool `json:"enableTransferMobileNotification,omitempty"`
	// Sound is the sound of the mobile notification, at most 256
	// characters. It applies only when EnableTransferMobileNotification is
	// set.
	Sound string `json:"sound,omitempty"`
	// Enable is NotificationEnabled (the default, also meant by "") or
	// NotificationDisabled.
	Enable string `json:"enable,omitempty"`
}

// Validate checks s as the request field named field (e.g.
// "runNotification"). An error matches ErrInvalidArgument and is an
// *errs.FieldError naming the subfield, e.g. "runNotification.sound: longer
// than 256 characters".
//
// Besides GS2's rule (a GRN starting with "grn:gs2:"), a non-empty
// GatewayNamespaceID must be a gateway namespace GRN,
// grn:gs2:{region}:{owner}:gateway:{name} with a valid name, since no other
// GRN could ever deliver. The sound is checked whether or not mobile
// transfer is on.
func (s NotificationSetting) Validate(field string) error {
	idField := field + ".gatewayNamespaceId"
	if err := validate.GRN(idField, s.GatewayNamespaceID, MaxGatewayNamespaceIDLen); err != nil {
		return err
	}
	if s.GatewayNamespaceID != "" {
		if _, err := parseGateway(idField, s.GatewayNamespaceID); err != nil {
			return err
		}
	}
	if err := validate.MaxLen(field+".sound", s.Sound, MaxSoundLen); err != nil {
		return err
	}
	if s.Enable != "" {
		if err := validate.OneOf(field+".enable", s.Enable, NotificationEnabled, NotificationDisabled); err != nil {
			return err
		}
	}
	return nil
}

// WithDefaults returns s with GS2's defaults filled in: GatewayNamespaceID
// grn:gs2:{region}:{owner}:gateway:default, where an empty region or owner
// means Hearth's default (grn.DefaultRegion "local", grn.DefaultOwner
// "hearth"), and Enable NotificationEnabled. Fields already set are kept.
func (s NotificationSetting) WithDefaults(region, owner string) NotificationSetting {
	if s.GatewayNamespaceID == "" {
		b := grn.Builder{Region: region, Owner: owner}.WithDefaults()
		s.GatewayNamespaceID = b.Namespace(serviceToken, DefaultNamespace)
	}
	if s.Enable == "" {
		s.Enable = NotificationEnabled
	}
	return s
}

// Enabled reports whether notifications are to be sent: Enable is
// NotificationEnabled or empty.
func (s NotificationSetting) Enabled() bool {
	return s.Enable == "" || s.Enable == NotificationEnabled
}

// GatewayNamespace returns the name of the gateway namespace that
// GatewayNamespaceID designates ("default" when it is empty). The GRN's
// region and owner are not compared with any configuration: a GS2-style GRN
// from another region names the same namespace. A GRN that is malformed or
// not a gateway namespace GRN is an *errs.FieldError for
// "gatewayNamespaceId", matching ErrInvalidArgument.
func (s NotificationSetting) GatewayNamespace() (string, error) {
	if s.GatewayNamespaceID == "" {
		return DefaultNamespace, nil
	}
	return parseGateway("gatewayNamespaceId", s.GatewayNamespaceID)
}

// parseGateway returns the namespace name of a gateway namespace GRN, or an
// *errs.FieldError for field.
func parseGateway(field, id string) (string, error) {
	service, ns, _, err := grn.ParseNamespace(id)
	if err != nil {
		return "", relabel(field, "", err)
	}
	if service != serviceToken {
		return "", errs.Invalidf(field, "must be a gateway namespace GRN, not a %q one", service)
	}
	if err := validate.Name(field, ns); err != nil {
		return "", relabel(field, "namespace name: ", err)
	}
	return ns, nil
}

// relabel returns the rule of the *errs.FieldError in err, prefixed, as an
// error for field.
func relabel(field, prefix string, err error) error {
	rule := "must be a gateway namespace GRN"
	if fe, ok := errors.AsType[*errs.FieldError](err); ok {
		rule = fe.Rule
	}
	return errs.Invalid(field, prefix+rule)
}
