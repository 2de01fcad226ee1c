package userdata

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/hearth-go/hearth/internal/errs"
)

// Format and Version identify the documents this package reads and writes.
const (
	Format  = "hearth.userdata"
	Version = 1
)

// Envelope is a user-data document.
type Envelope struct {
	// Format is always Format.
	Format string `json:"format"`
	// Version is the version of the envelope and of the services' data
	// types: Version when written by this code.
	Version int `json:"version"`
	// Service is the service whose data this is: "lock", "queue",
	// "gateway" or "realtime".
	Service string `json:"service"`
	// UserID is the user whose data was dumped. Import may restore it under
	// another user ID.
	UserID string `json:"userId"`
	// CreatedAt is when the dump was made, in Unix milliseconds.
	CreatedAt int64 `json:"createdAt"`
	// Data is the service's data, a JSON value that is not null.
	Data json.RawMessage `json:"data"`
}

// Marshal returns the document for one user's data of service, with data
// encoded as JSON. data must not encode to null.
func Marshal(service, userID string, createdAt int64, data any) ([]byte, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return nil, fmt.Errorf("userdata: encoding data: %w", err)
	}
	if string(raw) == "null" {
		return nil, errs.Invalid("data", "required")
	}
	return json.Marshal(Envelope{
		Format:    Format,
		Version:   Version,
		Service:   service,
		UserID:    userID,
		CreatedAt: createdAt,
		Data:      raw,
	})
}

// Unmarshal checks that doc is a document of this Format and Version for
// service and decodes its data into data (a pointer), rejecting fields that
// data does not have. It returns the envelope, Data included.
func Unmarshal(doc []byte, service string, data any) (Envelope, error) {
	var env Envelope
	if err := strictDecode(doc, &env); err != nil {
		return Envelope{}, envelopeError(err)
	}
	switch {
	case env.Format != Format:
		return Envelope{}, errs.Invalidf("format", "must be %q", Format)
	case env.Version != Version:
		return Envelope{}, errs.Invalidf("version", "must be %d", Version)
	case env.Service != service:
		return Envelope{}, errs.Invalidf("service", "must be %q", service)
	case len(env.Data) == 0 || string(env.Data) == "null":
		return Envelope{}, errs.Invalid("data", "required")
	}
	if err := strictDecode(env.Data, data); err != nil {
		return Envelope{}, errs.Invalidf("data", "%v", err)
	}
	return env, nil
}

// strictDecode decodes exactly one JSON value from b into v, refusing
// unknown fields and trailing data.
func strictDecode(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

// envelopeError names the envelope field a decoding error is about, or
// "document" when it is about the whole.
func envelopeError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		switch te.Field {
		case "format", "service", "userId":
			return errs.Invalid(te.Field, "must be a string")
		case "version", "createdAt":
			return errs.Invalid(te.Field, "must be an integer")
		}
	}
	return errs.Invalidf("document", "%v", err)
}
