package fcm

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"

	"github.com/hearth-go/hearth/internal/errs"
)

// serviceAccount holds the fields of a service-account key that New checks.
// The oauth2 package reads the key again for itself (token_uri included).
type serviceAccount struct {
	Type        string `json:"type"`
	ProjectID   string `json:"project_id"`
	ClientEmail string `json:"client_email"`
	PrivateKey  string `json:"private_key"`
}

// parseServiceAccount checks that b is a service-account key whose private
// key is an RSA key in PEM (PKCS #8, as Google issues them, or PKCS #1), so
// that a broken key fails New rather than every Push.
func parseServiceAccount(b []byte) (*serviceAccount, error) {
	const field = "CredentialsJSON"
	if len(b) == 0 {
		return nil, errs.Invalid(field, "required")
	}
	var sa serviceAccount
	if err := json.Unmarshal(b, &sa); err != nil {
		return nil, errs.Invalidf(field, "not JSON: %v", err)
	}
	if sa.Type != "service_account" {
		return nil, errs.Invalidf(field, "type is %q, not \"service_account\"", sa.Type)
	}
	if sa.ClientEmail == "" {
		return nil, errs.Invalid(field, "client_email is missing")
	}
	block, _ := pem.Decode([]byte(sa.PrivateKey))
	if block == nil {
		return nil, errs.Invalid(field, "private_key is not a PEM block")
	}
	if key, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		if _, ok := key.(*rsa.PrivateKey); !ok {
			return nil, errs.Invalid(field, "private_key is not an RSA key")
		}
		return &sa, nil
	}
	if _, err := x509.ParsePKCS1PrivateKey(block.Bytes); err != nil {
		return nil, errs.Invalid(field, "private_key is neither a PKCS #8 nor a PKCS #1 RSA key")
	}
	return &sa, nil
}
