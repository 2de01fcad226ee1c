package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// runServer runs the command (run) with args until the returned stop is
// called, and returns its base URL.
func runServer(t *testing.T, args ...string) (base string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	base, done := startRun(t, ctx, args...)
	return base, func() {
		cancel()
		require.NoError(t, <-done)
	}
}

// startRun runs the command (run) with args on its own goroutine, waits
// for the URL it prints, and returns it with the channel of run's result.
func startRun(t *testing.T, ctx context.Context, args ...string) (base string, done <-chan error) {
	t.Helper()
	pr, pw := io.Pipe()
	errc := make(chan error, 1)
	go func() {
		err := run(ctx, args, pw, io.Discard)
		_ = pw.CloseWithError(err)
		errc <- err
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	require.NoError(t, err)
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	_, url, ok := strings.Cut(strings.TrimSpace(line), " on ")
	require.True(t, ok, line)
	url, _, _ = strings.Cut(url, " ")
	return strings.TrimSuffix(url, "/"), errc
}

// TestRestartKeepsEverything stops the server as Ctrl-C does and starts it
// again on the same Badger directory: the player, the wallet, the token,
// job results, a job waiting for its retry and a dead letter are all
// there.
func TestRestartKeepsEverything(t *testing.T) {
	dir := t.TempDir()
	port := strconv.Itoa(freePort(t))
	args := []string{"-addr", "127.0.0.1:0", "-data", dir, "-relay-ports", port + "-" + port, "-log-level", "error"}

	base, stop := runServer(t, args...)
	s := &server{base: base}
	tok := s.login(t, "alice")
	g := s.connect(t, tok)
	_, out := s.call(t, http.MethodPost, "/api/jobs", tok, map[string]any{"coins": 5})
	paid := out["job"].(map[string]any)["name"].(string)
	require.Equal(t, float64(200), g.notification("Gs2JobQueue:RunNotification")["statusCode"])
	_, out = s.call(t, http.MethodPost, "/api/jobs", tok, map[string]any{"coins": 9, "fail": "always", "maxTryCount": 1})
	dead := out["job"].(map[string]any)["name"].(string)
	require.Equal(t, float64(500), g.notification("Gs2JobQueue:RunNotification")["statusCode"])
	_, out = s.call(t, http.MethodPost, "/api/jobs", tok, map[string]any{"coins": 2, "fail": "once"})
	retried := out["job"].(map[string]any)["name"].(string)
	require.Equal(t, float64(503), g.notification("Gs2JobQueue:RunNotification")["statusCode"])
	_ = g.ws.CloseNow()
	stop() // the retry waits a 1 s backoff: it is still queued

	base, stop = runServer(t, args...)
	t.Cleanup(stop) // after the sockets' cleanups, which close them
	s = &server{base: base}
	status, me := s.call(t, http.MethodGet, "/api/me", tok, nil)
	require.Equal(t, http.StatusOK, status, "the token of the first run still works")
	require.Contains(t, []any{float64(5), float64(7)}, me["coins"], "paid once, plus the retried job if it ran since")
	_, jobs := s.call(t, http.MethodGet, "/api/jobs", tok, nil)
	require.Contains(t, jobNames(jobs["results"], "jobName"), paid)
	require.Equal(t, []string{dead}, jobNames(jobs["deadLetters"], "name"))
	if !slices.Contains(jobNames(jobs["queued"], "name"), retried) {
		require.Contains(t, jobNames(jobs["results"], "jobName"), retried, "the waiting job was neither kept nor run")
	}
	// The job that waited for its retry runs after the restart: it has
	// run before the socket was bound, or its notification comes.
	g = s.connect(t, tok)
	if _, me = s.call(t, http.MethodGet, "/api/me", tok, nil); me["coins"] != float64(7) {
		for {
			n := g.notification("Gs2JobQueue:RunNotification")
			if n["jobName"] == retried {
				require.Equal(t, float64(200), n["statusCode"])
				break
			}
		}
		_, me = s.call(t, http.MethodGet, "/api/me", tok, nil)
	}
	require.Equal(t, float64(7), me["coins"])
}

func jobNames(list any, field string) []string {
	var names []string
	for _, v := range list.([]any) {
		names = append(names, v.(map[string]any)[field].(string))
	}
	return names
}
