package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hearth-go/hearth/store"
	"github.com/hearth-go/hearth/store/badgerstore"
	"github.com/hearth-go/hearth/store/memstore"
)

// grace bounds the graceful shutdown.
const grace = 10 * time.Second

// options are the command line.
type options struct {
	addr, data, relayHost  string
	portMin, portMax, bots int
	logLevel, logFormat    string
}

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gameserver:", err)
		os.Exit(1)
	}
}

// run is main, testable: it parses args, serves until ctx ends or a
// signal comes, and shuts down.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	log, err := newLogger(stderr, o.logLevel, o.logFormat)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	st, err := openStore(o.data, log)
	if err != nil {
		return err
	}
	defer func() {
		if err := st.Close(); err != nil {
			log.Error("closing the store", "err", err)
		}
	}()
	secret, err := loadSecret(o.data)
	if err != nil {
		return err
	}
	a, err := newApp(config{Store: st, Logger: log, Secret: secret, RelayHost: o.relayHost,
		RelayPortMin: o.portMin, RelayPortMax: o.portMax, MatchWindow: 2 * time.Second})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	if err := a.start(ctx); err != nil {
		_ = ln.Close()
		_ = a.stop(context.Background())
		return err
	}
	url := "http://" + ln.Addr().String() + "/"
	fmt.Fprintf(stdout, "Hearth game server on %s (data: %s)\n", url, o.data)
	log.Info("listening", "url", url, "data", o.data, "relayPorts", fmt.Sprintf("%d-%d", o.portMin, o.portMax))
	if o.bots > 0 {
		b := startBots(ctx, url, o.bots, log.With("component", "bots"))
		defer b.wait()
	}
	err = a.serve(ctx, ln, grace)
	log.Info("stopped", "err", err)
	return err
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("gameserver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "HTTP address to listen on")
	fs.StringVar(&o.data, "data", "./data", `Badger directory, or ":memory:" for an in-memory store`)
	ports := fs.String("relay-ports", "40000-40099", "port range of the match rooms' relay, min-max")
	fs.StringVar(&o.relayHost, "relay-host", "127.0.0.1", "address the relay rooms listen on and hand out")
	fs.StringVar(&o.logLevel, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&o.logFormat, "log-format", "text", "text or json")
	fs.IntVar(&o.bots, "bots", 0, "number of simulated players")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	lo, hi, ok := strings.Cut(*ports, "-")
	min, err1 := strconv.Atoi(lo)
	max, err2 := strconv.Atoi(hi)
	if !ok || err1 != nil || err2 != nil || min < 1 || max > 65535 || min > max {
		return o, fmt.Errorf("-relay-ports %q: want min-max within 1-65535", *ports)
	}
	o.portMin, o.portMax = min, max
	if o.bots < 0 || o.bots > 100 {
		return o, fmt.Errorf("-bots %d: want 0..100", o.bots)
	}
	return o, nil
}

func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("-log-level %q: %w", level, err)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("-log-format %q: want text or json", format)
}

// memoryData is the -data value for an in-memory store.
const memoryData = ":memory:"

func openStore(dir string, log *slog.Logger) (store.Store, error) {
	if dir == memoryData {
		return memstore.New(nil), nil
	}
	return badgerstore.Open(dir, &badgerstore.Options{Logger: log.With("component", "badger")})
}

// loadSecret returns the token secret kept in the data directory (created
// on first start), so that logins survive a restart; nil (a random one per
// run) for an in-memory store.
func loadSecret(dir string) ([]byte, error) {
	if dir == memoryData {
		return nil, nil
	}
	path := dir + string(os.PathSeparator) + "token.secret"
	b, err := os.ReadFile(path)
	if err == nil && len(b) >= 32 {
		return b, nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	b = make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	return b, os.WriteFile(path, b, 0o600)
}
