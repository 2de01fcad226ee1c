package badgerstore_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/store/badgerstore"
)

// recorder is a slog.Handler that keeps the records it handles.
type recorder struct {
	level slog.Level
	mu    *sync.Mutex
	recs  *[]slog.Record
	attrs []slog.Attr
}

func newRecorder(level slog.Level) *recorder {
	return &recorder{level: level, mu: new(sync.Mutex), recs: new([]slog.Record)}
}

func (r *recorder) Enabled(_ context.Context, l slog.Level) bool { return l >= r.level }

func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	rec = rec.Clone()
	rec.AddAttrs(r.attrs...)
	r.mu.Lock()
	defer r.mu.Unlock()
	*r.recs = append(*r.recs, rec)
	return nil
}

func (r *recorder) WithAttrs(as []slog.Attr) slog.Handler {
	c := *r
	c.attrs = append(append([]slog.Attr(nil), r.attrs...), as...)
	return &c
}

func (r *recorder) WithGroup(string) slog.Handler { return r }

func (r *recorder) records() []slog.Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]slog.Record(nil), *r.recs...)
}

// attr returns the value of the attribute key of rec.
func attr(rec slog.Record, key string) string {
	var v string
	rec.Attrs(func(a slog.Attr) bool {
		if a.Key == key {
			v = a.Value.String()
			return false
		}
		return true
	})
	return v
}

// TestBadgerLogsReachSlog: Badger's own lines at Open and Close arrive at
// the configured logger, tagged component=badger, without the trailing
// newline Badger puts on some.
func TestBadgerLogsReachSlog(t *testing.T) {
	t.Parallel()
	rec := newRecorder(slog.LevelDebug)
	s, err := badgerstore.Open(t.TempDir(), &badgerstore.Options{Light: true, Logger: slog.New(rec)})
	require.NoError(t, err)
	require.NoError(t, s.Close())
	recs := rec.records()
	require.NotEmpty(t, recs, "Badger logs at Open and Close")
	for _, r := range recs {
		require.Equal(t, "badger", attr(r, "component"), "record %q", r.Message)
		require.Equal(t, strings.TrimSpace(r.Message), r.Message)
	}
}

// TestLogLevels: each Badger log method maps to its slog level, and lines
// below the handler's level are dropped.
func TestLogLevels(t *testing.T) {
	t.Parallel()
	rec := newRecorder(slog.LevelInfo)
	l := badgerstore.NewLogAdapter(slog.New(rec))
	l.Debugf("debug %d", 1)
	l.Infof("info %d\n", 2)
	l.Warningf("warn %d", 3)
	l.Errorf("error %d", 4)
	var got []string
	for _, r := range rec.records() {
		got = append(got, r.Level.String()+" "+r.Message)
	}
	require.Equal(t, []string{"INFO info 2", "WARN warn 3", "ERROR error 4"}, got)
}
