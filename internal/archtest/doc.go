// Package archtest holds no code: its test checks the module's import
// rules, the layering that DESIGN.md describes, so that they cannot rot
// silently.
//
//   - Only package clock imports github.com/benbjohnson/clock (it is
//     unmaintained and may be replaced).
//   - Nothing under store/ or internal/ imports a service package (lock,
//     jobqueue, gateway, realtime) or an example.
//   - A service package does not import another service's package, except
//     for the notification model of gateway (gateway.NotificationSetting),
//     which jobqueue and realtime may import; never gateway's transports.
//     Their tests may also import gateway/token, to prove that the
//     gateway's verifier satisfies the Verifier interface they declare.
package archtest
