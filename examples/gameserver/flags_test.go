package main

import (
	"context"
	"io"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestFlagsBadInputs(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-relay-ports", "40000"}, "-relay-ports"},
		{[]string{"-relay-ports", "a-b"}, "-relay-ports"},
		{[]string{"-relay-ports", "0-10"}, "-relay-ports"},
		{[]string{"-relay-ports", "5-70000"}, "-relay-ports"},
		{[]string{"-relay-ports", "9-8"}, "-relay-ports"},
		{[]string{"-bots", "-1"}, "-bots"},
		{[]string{"-bots", "101"}, "-bots"},
		{[]string{"-nope"}, "-nope"},
		{[]string{"extra"}, "unexpected arguments"},
	} {
		_, err := parseFlags(c.args, io.Discard)
		require.ErrorContains(t, err, c.want, c.args)
	}
	o, err := parseFlags([]string{"-relay-ports", "7-7", "-bots", "100"}, io.Discard)
	require.NoError(t, err)
	require.Equal(t, []int{7, 7, 100}, []int{o.portMin, o.portMax, o.bots})
	require.Equal(t, "127.0.0.1:8080", o.addr)
	require.Equal(t, "./data", o.data)

	for _, c := range []struct{ level, format, want string }{
		{"loud", "text", "-log-level"},
		{"info", "xml", "-log-format"},
	} {
		_, err := newLogger(io.Discard, c.level, c.format)
		require.ErrorContains(t, err, c.want)
	}
	for _, format := range []string{"text", "json"} {
		var b strings.Builder
		log, err := newLogger(&b, "warn", format)
		require.NoError(t, err)
		log.Info("hidden")
		log.Warn("shown")
		require.NotContains(t, b.String(), "hidden")
		require.Contains(t, b.String(), "shown")
	}
	require.True(t, strings.HasPrefix(func() string {
		var b strings.Builder
		log, _ := newLogger(&b, "info", "json")
		log.Info("x")
		return b.String()
	}(), "{"), "json logs are JSON")
}

// TestSIGTERMStopsGracefully sends the process SIGTERM while run serves:
// run stops everything and returns, well within the grace period.
func TestSIGTERMStopsGracefully(t *testing.T) {
	port := strconv.Itoa(freePort(t))
	// run handles SIGTERM from before it prints the URL.
	_, done := startRun(t, context.Background(), "-addr", "127.0.0.1:0", "-data", t.TempDir(),
		"-relay-ports", port+"-"+port, "-log-level", "error")
	start := time.Now()
	require.NoError(t, syscall.Kill(syscall.Getpid(), syscall.SIGTERM))
	select {
	case err := <-done:
		require.NoError(t, err)
		require.Less(t, time.Since(start), grace)
	case <-time.After(guard):
		t.Fatal("run did not return after SIGTERM")
	}
}
