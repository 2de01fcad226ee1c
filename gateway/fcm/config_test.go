package fcm_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/gateway/fcm"
	"github.com/hearth-go/hearth/internal/errs"
)

// keyWith returns the test service-account key with fields changed (a nil
// value deletes the field).
func keyWith(t *testing.T, changes map[string]any) []byte {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(serviceAccountJSON("http://127.0.0.1:1/token"), &m))
	for k, v := range changes {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return b
}

func TestNewRejectsABadConfig(t *testing.T) {
	t.Parallel()
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	ecDER, err := x509.MarshalPKCS8PrivateKey(ecKey)
	require.NoError(t, err)
	ecPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER}))

	for _, tc := range []struct {
		name  string
		cfg   fcm.Config
		field string
		rule  string
	}{
		{"no key", fcm.Config{}, "CredentialsJSON", "required"},
		{"not JSON", fcm.Config{CredentialsJSON: []byte("{")}, "CredentialsJSON", "not JSON: unexpected end of JSON input"},
		{"user credentials", fcm.Config{CredentialsJSON: keyWith(t, map[string]any{"type": "authorized_user"})},
			"CredentialsJSON", `type is "authorized_user", not "service_account"`},
		{"external account", fcm.Config{CredentialsJSON: keyWith(t, map[string]any{"type": "external_account"})},
			"CredentialsJSON", `type is "external_account", not "service_account"`},
		{"no client_email", fcm.Config{CredentialsJSON: keyWith(t, map[string]any{"client_email": nil})},
			"CredentialsJSON", "client_email is missing"},
		{"private key not PEM", fcm.Config{CredentialsJSON: keyWith(t, map[string]any{"private_key": "MIIEv..."})},
			"CredentialsJSON", "private_key is not a PEM block"},
		{"private key garbage", fcm.Config{CredentialsJSON: keyWith(t, map[string]any{"private_key": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"})},
			"CredentialsJSON", "private_key is neither a PKCS #8 nor a PKCS #1 RSA key"},
		{"EC private key", fcm.Config{CredentialsJSON: keyWith(t, map[string]any{"private_key": ecPEM})},
			"CredentialsJSON", "private_key is not an RSA key"},
		{"no project", fcm.Config{CredentialsJSON: keyWith(t, map[string]any{"project_id": nil})},
			"ProjectID", "required (the key has no project_id)"},
		{"endpoint not http", fcm.Config{CredentialsJSON: keyWith(t, nil), Endpoint: "ftp://fcm.example.com"},
			"Endpoint", "not an http(s) URL"},
		{"endpoint without host", fcm.Config{CredentialsJSON: keyWith(t, nil), Endpoint: "https://"},
			"Endpoint", "not an http(s) URL"},
		{"endpoint with query", fcm.Config{CredentialsJSON: keyWith(t, nil), Endpoint: "https://fcm.example.com/?x=1"},
			"Endpoint", "has a query or fragment"},
		{"negative attempts", fcm.Config{CredentialsJSON: keyWith(t, nil), MaxAttempts: -1},
			"MaxAttempts", "negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, err := fcm.New(t.Context(), tc.cfg)
			require.Nil(t, p)
			require.ErrorIs(t, err, gateway.ErrInvalidArgument)
			var fe *errs.FieldError
			require.True(t, errors.As(err, &fe), err)
			require.Equal(t, tc.field, fe.Field)
			require.Equal(t, tc.rule, fe.Rule)
		})
	}
}

func TestNewMakesNoRequest(t *testing.T) {
	t.Parallel()
	f := newFakeGoogle(t)
	newPusher(t, f, nil)
	require.Empty(t, f.tokenGrants())
	require.Empty(t, f.sent())
}

func TestProjectIDAndEndpointShapeTheURL(t *testing.T) {
	t.Parallel()
	f := newFakeGoogle(t)
	// The fake answers only demo-project's path; "other project" would be
	// recorded as an unexpected request and fail the test at cleanup.
	p, _ := newPusher(t, f, func(c *fcm.Config) {
		c.CredentialsJSON = keyWith(t, map[string]any{"project_id": "from-the-key", "token_uri": f.tokenURL()})
		c.ProjectID = testProject
		c.Endpoint = f.srv.URL + "/"
	})
	require.NoError(t, pushWait(t, p, msg))
	require.Len(t, f.sent(), 1)
}

func TestPKCS1KeyIsAccepted(t *testing.T) {
	t.Parallel()
	f := newFakeGoogle(t)
	pkcs1 := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(testKey())}))
	p, _ := newPusher(t, f, func(c *fcm.Config) {
		c.CredentialsJSON = keyWith(t, map[string]any{"private_key": pkcs1, "token_uri": f.tokenURL()})
	})
	require.NoError(t, pushWait(t, p, msg))
	_, _, err := verifyRS256(f.tokenGrants()[0].assertion, &testKey().PublicKey)
	require.NoError(t, err)
}
