package fcm_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"

	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/gateway/fcm"
)

// Example pushes two notifications through a local stand-in for Google's
// token endpoint and FCM (fakeFirebase, below): the real client code runs,
// only the host is local. The second device token is one FCM no longer
// knows.
func Example() {
	srv := fakeFirebase()
	defer srv.Close()

	pusher, err := fcm.New(context.Background(), fcm.Config{
		CredentialsJSON: serviceAccountJSON(srv.URL + "/token"), // token_uri points at the fake
		Endpoint:        srv.URL,
		HTTPClient:      srv.Client(),
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	err = pusher.Push(ctx, gateway.MobileMessage{
		Token: "device-token", Title: "Gs2JobQueue:Push", Body: `{"jobName":"reward"}`, Sound: "default",
	})
	fmt.Println("push:", err)

	err = pusher.Push(ctx, gateway.MobileMessage{Token: "stale-token", Title: "hello"})
	fmt.Println("unregistered:", errors.Is(err, gateway.ErrTokenUnregistered))
	fmt.Println(err)
	// Output:
	// token request: grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer
	// FCM: Bearer ya29.example {"message":{"token":"device-token","notification":{"title":"Gs2JobQueue:Push","body":"{\"jobName\":\"reward\"}"},"android":{"notification":{"sound":"default"}},"apns":{"payload":{"aps":{"sound":"default"}}}}}
	// push: <nil>
	// FCM: Bearer ya29.example {"message":{"token":"stale-token","notification":{"title":"hello"}}}
	// unregistered: true
	// fcm: push: 404 NOT_FOUND (UNREGISTERED): Requested entity was not found.
}

// fakeFirebase answers Google's token endpoint with a fixed access token
// and FCM's messages:send with success, or UNREGISTERED for "stale-token",
// printing what it receives.
func fakeFirebase() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/token":
			form, _ := url.ParseQuery(string(body))
			fmt.Println("token request: grant_type=" + form.Get("grant_type"))
			io.WriteString(w, `{"access_token":"ya29.example","token_type":"Bearer","expires_in":3599}`)
		case "/v1/projects/demo-project/messages:send":
			fmt.Println("FCM:", r.Header.Get("Authorization"), string(body))
			if strings.Contains(string(body), `"stale-token"`) {
				w.WriteHeader(http.StatusNotFound)
				io.WriteString(w, `{"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND",`+
					`"details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"UNREGISTERED"}]}}`)
				return
			}
			io.WriteString(w, `{"name":"projects/demo-project/messages/0:1"}`)
		default:
			http.NotFound(w, r)
		}
	}))
}

// ExampleNew makes the Pusher a gateway is configured with, from the service-account key
// read from a file (its path in GOOGLE_APPLICATION_CREDENTIALS here).
func ExampleNew() {
	key, err := os.ReadFile(os.Getenv("GOOGLE_APPLICATION_CREDENTIALS"))
	if err != nil {
		log.Fatal(err)
	}
	pusher, err := fcm.New(context.Background(), fcm.Config{CredentialsJSON: key})
	if err != nil {
		log.Fatal(err)
	}
	var mobile gateway.MobilePusher = pusher // gateway.Config{MobilePusher: mobile}
	_ = mobile
}
