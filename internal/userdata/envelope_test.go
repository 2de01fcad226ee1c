package userdata_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/userdata"
)

type job struct {
	Name string `json:"name"`
	Args string `json:"args"`
}

type queueData struct {
	Jobs []job `json:"jobs"`
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	in := queueData{Jobs: []job{{Name: "j1", Args: `{"a":"\u0000é"}`}, {Name: "j2", Args: "{}"}}}
	doc, err := userdata.Marshal("queue", "user-1", math.MaxInt64, in)
	require.NoError(t, err)

	var head map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(doc, &head))
	require.JSONEq(t, `"hearth.userdata"`, string(head["format"]))
	require.JSONEq(t, `1`, string(head["version"]))
	require.JSONEq(t, `"queue"`, string(head["service"]))
	require.JSONEq(t, `"user-1"`, string(head["userId"]))
	require.Equal(t, `9223372036854775807`, string(head["createdAt"]))

	var out queueData
	env, err := userdata.Unmarshal(doc, "queue", &out)
	require.NoError(t, err)
	require.Equal(t, in, out)
	require.Equal(t, userdata.Format, env.Format)
	require.Equal(t, userdata.Version, env.Version)
	require.Equal(t, "queue", env.Service)
	require.Equal(t, "user-1", env.UserID)
	require.Equal(t, int64(math.MaxInt64), env.CreatedAt)
	require.JSONEq(t, `{"jobs":[{"name":"j1","args":"{\"a\":\"\\u0000é\"}"},{"name":"j2","args":"{}"}]}`, string(env.Data))
}

func TestMarshalRejectsNullData(t *testing.T) {
	t.Parallel()
	var nilData *queueData
	for _, d := range []any{nil, nilData} {
		_, err := userdata.Marshal("queue", "u", 0, d)
		requireField(t, err, "data")
	}
	_, err := userdata.Marshal("queue", "u", 0, func() {})
	require.Error(t, err, "unencodable data")
}

func requireField(t *testing.T, err error, field string, msgAndArgs ...any) {
	t.Helper()
	require.ErrorIs(t, err, errs.ErrInvalidArgument, msgAndArgs...)
	var fe *errs.FieldError
	require.True(t, errors.As(err, &fe), msgAndArgs...)
	require.Equal(t, field, fe.Field, msgAndArgs...)
}

func TestUnmarshalRejects(t *testing.T) {
	t.Parallel()
	const data = `{"jobs":[]}`
	env := func(format, version, service, data string) string {
		return `{"format":` + format + `,"version":` + version + `,"service":` + service +
			`,"userId":"u","createdAt":1,"data":` + data + `}`
	}
	ok := env(`"hearth.userdata"`, `1`, `"queue"`, data)
	var probe queueData
	_, err := userdata.Unmarshal([]byte(ok), "queue", &probe)
	require.NoError(t, err, "the base case is valid")

	tests := []struct{ name, doc, field string }{
		{"empty", ``, "document"},
		{"not json", `hello`, "document"},
		{"array", `[]`, "document"},
		{"truncated", ok[:len(ok)-1], "document"},
		{"trailing", ok + `{}`, "document"},
		{"unknown envelope field", ok[:len(ok)-1] + `,"extra":1}`, "document"},
		{"no format", `{"version":1,"service":"queue","data":{}}`, "format"},
		{"wrong format", env(`"gs2.zip"`, `1`, `"queue"`, data), "format"},
		{"format not a string", env(`7`, `1`, `"queue"`, data), "format"},
		{"no version", `{"format":"hearth.userdata","service":"queue","data":{}}`, "version"},
		{"future version", env(`"hearth.userdata"`, `2`, `"queue"`, data), "version"},
		{"version as string", env(`"hearth.userdata"`, `"1"`, `"queue"`, data), "version"},
		{"version fraction", env(`"hearth.userdata"`, `1.5`, `"queue"`, data), "version"},
		{"other service", env(`"hearth.userdata"`, `1`, `"gateway"`, data), "service"},
		{"no service", `{"format":"hearth.userdata","version":1,"data":{}}`, "service"},
		{"no data", `{"format":"hearth.userdata","version":1,"service":"queue"}`, "data"},
		{"null data", env(`"hearth.userdata"`, `1`, `"queue"`, `null`), "data"},
		{"unknown data field", env(`"hearth.userdata"`, `1`, `"queue"`, `{"jobs":[],"x":1}`), "data"},
		{"unknown nested field", env(`"hearth.userdata"`, `1`, `"queue"`, `{"jobs":[{"name":"j","nope":1}]}`), "data"},
		{"wrong data type", env(`"hearth.userdata"`, `1`, `"queue"`, `{"jobs":"x"}`), "data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out queueData
			got, err := userdata.Unmarshal([]byte(tt.doc), "queue", &out)
			requireField(t, err, tt.field, "%s", tt.doc)
			require.Zero(t, got)
		})
	}
}
