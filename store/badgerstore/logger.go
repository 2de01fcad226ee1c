package badgerstore

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	badger "github.com/dgraph-io/badger/v4"
)

// logAdapter sends Badger's printf-style log lines to a slog.Logger.
type logAdapter struct{ l *slog.Logger }

var _ badger.Logger = logAdapter{}

// newLogAdapter returns a badger.Logger writing to l with the attribute
// component=badger.
func newLogAdapter(l *slog.Logger) logAdapter {
	return logAdapter{l: l.With(slog.String("component", "badger"))}
}

// Errorf logs at slog.LevelError.
func (a logAdapter) Errorf(format string, args ...any) { a.log(slog.LevelError, format, args) }

// Warningf logs at slog.LevelWarn.
func (a logAdapter) Warningf(format string, args ...any) { a.log(slog.LevelWarn, format, args) }

// Infof logs at slog.LevelInfo.
func (a logAdapter) Infof(format string, args ...any) { a.log(slog.LevelInfo, format, args) }

// Debugf logs at slog.LevelDebug.
func (a logAdapter) Debugf(format string, args ...any) { a.log(slog.LevelDebug, format, args) }

// log formats the line only if the level is enabled; Badger ends many
// lines with a newline, which slog does not want.
func (a logAdapter) log(level slog.Level, format string, args []any) {
	ctx := context.Background()
	if !a.l.Enabled(ctx, level) {
		return
	}
	a.l.Log(ctx, level, strings.TrimSpace(fmt.Sprintf(format, args...)))
}
