package gateway_test

import (
	"context"
	"fmt"

	"github.com/hearth-go/hearth/gateway"
)

// notifier is what a consumer service declares: the one method it needs
// from *gateway.Service.
type notifier interface {
	Notify(ctx context.Context, setting gateway.NotificationSetting, userID, subject, payload string) error
}

// printNotifier is a fake Notifier, as consumer tests use.
type printNotifier struct{}

func (printNotifier) Notify(_ context.Context, s gateway.NotificationSetting, userID, subject, payload string) error {
	if !s.Enabled() {
		return nil
	}
	ns, err := s.GatewayNamespace()
	if err != nil {
		return err
	}
	fmt.Printf("via %s to %s: %s %s\n", ns, userID, subject, payload)
	return nil
}

func ExampleNotificationSetting() {
	// A setting as a namespace request gives it: validated, then stored with
	// its defaults filled in.
	in := gateway.NotificationSetting{EnableTransferMobileNotification: true, Sound: "chime"}
	if err := in.Validate("pushNotification"); err != nil {
		panic(err)
	}
	setting := in.WithDefaults("", "")
	fmt.Println(setting.GatewayNamespaceID, setting.Enable)

	// After its transaction commits, the service notifies; an error would
	// only be logged.
	var n notifier = printNotifier{}
	_ = n.Notify(context.Background(), setting, "user-1", "Gs2JobQueue:Push", `{"namespaceName":"q","userId":"user-1"}`)

	setting.Enable = gateway.NotificationDisabled
	_ = n.Notify(context.Background(), setting, "user-1", "Gs2JobQueue:Push", `{}`) // sends nothing

	err := gateway.NotificationSetting{Sound: string(make([]byte, 300))}.Validate("pushNotification")
	fmt.Println(err)
	// Output:
	// grn:gs2:local:hearth:gateway:default Enabled
	// via default to user-1: Gs2JobQueue:Push {"namespaceName":"q","userId":"user-1"}
	// pushNotification.sound: longer than 256 characters
}
