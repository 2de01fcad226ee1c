package gateway_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/internal/errs"
)

func TestErrorsAreTheSharedSentinels(t *testing.T) {
	t.Parallel()
	require.Same(t, errs.ErrInvalidArgument, gateway.ErrInvalidArgument)
	require.Same(t, errs.ErrNotFound, gateway.ErrNotFound)
	require.Same(t, errs.ErrAlreadyExists, gateway.ErrAlreadyExists)
	require.Same(t, errs.ErrConflict, gateway.ErrConflict)
}

func TestValidate(t *testing.T) {
	t.Parallel()
	grnOf := func(n int) string {
		return "grn:gs2:r:o:gateway:" + strings.Repeat("g", n-len("grn:gs2:r:o:gateway:"))
	}
	valid := []gateway.NotificationSetting{
		{},
		{Enable: gateway.NotificationEnabled},
		{Enable: gateway.NotificationDisabled},
		{GatewayNamespaceID: "grn:gs2:local:hearth:gateway:default"},
		{GatewayNamespaceID: "grn:gs2:ap-northeast-1:YourOwnerId:gateway:namespace-0001"},
		{GatewayNamespaceID: grnOf(128 + len("grn:gs2:r:o:gateway:"))},
		{EnableTransferMobileNotification: true, Sound: strings.Repeat("♪", 256)},
		{Sound: "ignored without transfer"},
	}
	for _, s := range valid {
		require.NoError(t, s.Validate("runNotification"), "%+v", s)
	}

	invalid := []struct {
		s     gateway.NotificationSetting
		field string
	}{
		{gateway.NotificationSetting{GatewayNamespaceID: "gateway:default"}, "runNotification.gatewayNamespaceId"},
		{gateway.NotificationSetting{GatewayNamespaceID: "grn:gs2:" + strings.Repeat("x", 1017)}, "runNotification.gatewayNamespaceId"},
		{gateway.NotificationSetting{GatewayNamespaceID: "grn:gs2:local:hearth:queue:default"}, "runNotification.gatewayNamespaceId"},
		{gateway.NotificationSetting{GatewayNamespaceID: "grn:gs2:local:hearth:gateway"}, "runNotification.gatewayNamespaceId"},
		{gateway.NotificationSetting{GatewayNamespaceID: "grn:gs2:local:hearth:gateway:bad/name"}, "runNotification.gatewayNamespaceId"},
		{gateway.NotificationSetting{GatewayNamespaceID: "grn:gs2:local:hearth:gateway:ns:user:u"}, "runNotification.gatewayNamespaceId"},
		{gateway.NotificationSetting{Sound: strings.Repeat("♪", 257)}, "runNotification.sound"},
		{gateway.NotificationSetting{EnableTransferMobileNotification: true, Sound: strings.Repeat("s", 257)}, "runNotification.sound"},
		{gateway.NotificationSetting{Enable: "enabled"}, "runNotification.enable"},
		{gateway.NotificationSetting{Enable: "Off"}, "runNotification.enable"},
	}
	for _, tc := range invalid {
		err := tc.s.Validate("runNotification")
		require.ErrorIs(t, err, gateway.ErrInvalidArgument, "%+v", tc.s)
		fe, ok := errors.AsType[*errs.FieldError](err)
		require.True(t, ok, "%v", err)
		require.Equal(t, tc.field, fe.Field)
	}

	// The caller's field name prefixes the subfield.
	err := gateway.NotificationSetting{Enable: "x"}.Validate("createNotification")
	require.ErrorContains(t, err, "createNotification.enable")
}

func TestWithDefaults(t *testing.T) {
	t.Parallel()
	require.Equal(t, gateway.NotificationSetting{
		GatewayNamespaceID: "grn:gs2:local:hearth:gateway:default",
		Enable:             gateway.NotificationEnabled,
	}, gateway.NotificationSetting{}.WithDefaults("", ""))

	require.Equal(t, gateway.NotificationSetting{
		GatewayNamespaceID: "grn:gs2:ap-northeast-1:studio:gateway:default",
		Enable:             gateway.NotificationEnabled,
	}, gateway.NotificationSetting{}.WithDefaults("ap-northeast-1", "studio"))

	require.Equal(t, "grn:gs2:eu:hearth:gateway:default",
		gateway.NotificationSetting{}.WithDefaults("eu", "").GatewayNamespaceID)

	set := gateway.NotificationSetting{
		GatewayNamespaceID:               "grn:gs2:local:hearth:gateway:push",
		EnableTransferMobileNotification: true,
		Sound:                            "bell",
		Enable:                           gateway.NotificationDisabled,
	}
	require.Equal(t, set, set.WithDefaults("x", "y"), "fields already set are kept")

	// Defaults always validate.
	require.NoError(t, gateway.NotificationSetting{}.WithDefaults("", "").Validate("n"))
}

func TestEnabled(t *testing.T) {
	t.Parallel()
	require.True(t, gateway.NotificationSetting{}.Enabled())
	require.True(t, gateway.NotificationSetting{Enable: gateway.NotificationEnabled}.Enabled())
	require.False(t, gateway.NotificationSetting{Enable: gateway.NotificationDisabled}.Enabled())
	require.False(t, gateway.NotificationSetting{Enable: "bogus"}.Enabled())
}

func TestGatewayNamespace(t *testing.T) {
	t.Parallel()
	for id, want := range map[string]string{
		"":                                     "default",
		"grn:gs2:local:hearth:gateway:default": "default",
		"grn:gs2:ap-northeast-1:owner:gateway:ns-0001": "ns-0001",
		"grn:gs2:local:hearth:gateway:a.b_c-D":         "a.b_c-D",
	} {
		got, err := gateway.NotificationSetting{GatewayNamespaceID: id}.GatewayNamespace()
		require.NoError(t, err, id)
		require.Equal(t, want, got, id)
	}
	for _, id := range []string{
		"default",
		"grn:gs2:local:hearth:queue:default",
		"grn:gs2:local:hearth:gateway",
		"grn:gs2:local:hearth:gateway:",
		"grn:gs2:local:hearth:gateway:ns:user:u1",
		"grn:aws:local:hearth:gateway:default",
	} {
		_, err := gateway.NotificationSetting{GatewayNamespaceID: id}.GatewayNamespace()
		require.ErrorIs(t, err, gateway.ErrInvalidArgument, id)
	}
}

func TestJSONUsesGS2Names(t *testing.T) {
	t.Parallel()
	s := gateway.NotificationSetting{
		GatewayNamespaceID:               "grn:gs2:local:hearth:gateway:default",
		EnableTransferMobileNotification: true,
		Sound:                            "bell",
		Enable:                           gateway.NotificationEnabled,
	}
	b, err := json.Marshal(s)
	require.NoError(t, err)
	require.JSONEq(t, `{
		"gatewayNamespaceId": "grn:gs2:local:hearth:gateway:default",
		"enableTransferMobileNotification": true,
		"sound": "bell",
		"enable": "Enabled"
	}`, string(b))
	var back gateway.NotificationSetting
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, s, back)

	// A GS2 client's document, with fields left out, decodes too.
	var fromGS2 gateway.NotificationSetting
	require.NoError(t, json.Unmarshal([]byte(`{"gatewayNamespaceId":"grn:gs2:r:o:gateway:g","enable":"Disabled"}`), &fromGS2))
	require.Equal(t, gateway.NotificationSetting{GatewayNamespaceID: "grn:gs2:r:o:gateway:g", Enable: "Disabled"}, fromGS2)

	b, err = json.Marshal(gateway.NotificationSetting{})
	require.NoError(t, err)
	require.JSONEq(t, `{}`, string(b))
}
