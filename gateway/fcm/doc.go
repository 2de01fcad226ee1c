// Package fcm is a gateway.MobilePusher that delivers Hearth's mobile
// notifications through Firebase Cloud Messaging's HTTP v1 API.
//
//	key, _ := os.ReadFile("service-account.json")
//	pusher, err := fcm.New(ctx, fcm.Config{CredentialsJSON: key})
//	svc, err := gateway.New(st, &gateway.Config{MobilePusher: pusher})
//
// # Credentials
//
// FCM HTTP v1 authenticates with a Google service account: the JSON key the
// Firebase console downloads (Project settings → Service accounts), about
// 2.3 KB, with the project ID inside. The key is configured here, on the
// pusher — not in the gateway namespace's firebaseSecret, which GS2 made
// for the retired legacy server key and limits to 1,024 characters. The
// gateway keeps firebaseSecret and hands it to the pusher with each message
// (MobileMessage.FirebaseSecret); this pusher ignores it. A custom
// MobilePusher may use it, e.g. to choose among several projects, each
// with its own fcm.Pusher.
//
// New accepts only keys of type "service_account" (an unchecked key of
// another type could make the oauth2 package fetch credentials from places
// the key names) and checks the private key, so a broken key fails New,
// not the first Push. Keep the key out of source control: read it from a
// secret store or a file at startup.
//
// Access tokens come from golang.org/x/oauth2/google: the pusher signs a
// JWT with the key (RS256; iss = client_email, scope = [Scope], aud = the
// key's token_uri) and exchanges it at token_uri for a one-hour access
// token, which is cached and shared by every Push until it is 10 seconds
// from expiry. One Pusher per project and process is the intended use.
//
// # Request
//
// Push posts to {Endpoint}/v1/projects/{projectId}/messages:send:
//
//	{"message":{"token":…,"notification":{"title":…,"body":…},"data":{…},
//	 "android":{"notification":{"sound":…}},"apns":{"payload":{"aps":{"sound":…}}}}}
//
// with the message's Title and Body, its Data (omitted when empty), and the
// android and apns blocks only when Sound is set.
//
// # Errors
//
// Push returns nil when FCM accepted the message. An answer saying the
// token is not valid — errorCode UNREGISTERED, or 400 INVALID_ARGUMENT
// about the registration token — gives an [*Error] matching
// gateway.ErrTokenUnregistered, and the gateway then deletes the stored
// token. Any other 4xx gives an [*Error] with FCM's status, errorCode and
// message, without retrying. 429 and 5xx answers and failed connections
// are retried up to Config.MaxAttempts; after the last one Push returns
// the last [*Error]. (FCM v1 has no idempotency key: after a connection
// dropped mid-request the retry may deliver the notification twice, which
// beats not at all.) A refused OAuth2 grant is returned at once; a token
// endpoint answering 408, 429, 500 or 503 is retried like FCM. An empty
// token or a bad Config gives an error matching gateway.ErrInvalidArgument
// that names the field.
//
// # Time
//
// Between attempts Push waits what FCM's Retry-After header says (seconds,
// or an HTTP date measured from Config.Clock's Now, without
// clock.WithOffset: the date is the server's real time), or else a jittered
// exponential backoff: retry n waits between d/2 and d, d = 1 s·2^(n-1)
// capped at 30 s. A Retry-After above 2 minutes ends the push with the
// error instead of holding the caller. The waits run on Config.Clock, so
// tests drive them with clock.NewMock. Access-token expiry is the oauth2
// package's and follows the wall clock.
//
// # Concurrency
//
// A Pusher is safe for concurrent use. Push returns as soon as its context
// ends, also while a token is being fetched; that fetch goes on in the
// background (other pushes wait for it) until it ends or the token
// client's timeout (30 s unless Config.HTTPClient sets one) expires.
package fcm
