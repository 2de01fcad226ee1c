package lock_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/lock"
	"github.com/hearth-go/hearth/store/badgerstore"
)

// crashDirEnv tells TestLockCrashChild where its store is.
const crashDirEnv = "HEARTH_LOCK_CRASH_DIR"

const (
	crashTTL      = time.Hour
	crashHeld     = 4   // properties h0..h3, locked once and never released
	crashChurnMin = 300 // churn tokens the parent waits for before the kill
)

// TestLockCrashChild is the child of TestLockCrash: it locks h0..h3 and
// prints "held h<i> <token>", then locks and unlocks property "c" in a loop,
// printing "locked c <token>" after each Lock returned, until it is killed.
// It does nothing unless started by TestLockCrash.
func TestLockCrashChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		return
	}
	fail := func(what string, err error) {
		fmt.Println(what+":", err)
		os.Exit(2)
	}
	st, err := badgerstore.Open(dir, &badgerstore.Options{Light: true})
	if err != nil {
		fail("open", err)
	}
	ctx := context.Background()
	svc, err := lock.New(st, &lock.Config{Clock: clock.New()})
	if err != nil {
		fail("new", err)
	}
	if _, err := svc.CreateNamespace(ctx, lock.CreateNamespaceInput{Name: ns}); err != nil {
		fail("create namespace", err)
	}
	for i := range crashHeld {
		l, err := svc.Acquire(ctx, ns, "u", fmt.Sprint("h", i), "child", crashTTL)
		if err != nil {
			fail("acquire", err)
		}
		fmt.Println("held", fmt.Sprint("h", i), l.FencingToken())
	}
	for range 100 * crashChurnMin { // bounded in case the parent is gone
		m, err := svc.Lock(ctx, ns, "u", "c", "child", crashTTL)
		if err != nil {
			fail("lock", err)
		}
		fmt.Println("locked c", m.FencingToken)
		if _, err := svc.Unlock(ctx, ns, "u", "c", "child"); err != nil {
			fail("unlock", err)
		}
	}
	os.Exit(3) // never killed
}

// TestLockCrash: a child process takes locks on a Badger store and prints
// their fencing tokens; it is killed with SIGKILL. After reopening, the held
// locks are still held until their ttlAt, and every next fencing token is
// greater than every token the child printed.
func TestLockCrash(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	stderr, err := os.Create(dir + ".stderr")
	require.NoError(t, err)
	defer stderr.Close()
	cmd.Stderr = stderr
	childErr := func() string { b, _ := os.ReadFile(stderr.Name()); return string(b) }
	require.NoError(t, cmd.Start())
	killed := false
	defer func() {
		if !killed {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}()

	held := map[string]uint64{}
	var maxChurn uint64
	churn := 0
	lines := bufio.NewScanner(out)
	for churn < crashChurnMin && lines.Scan() {
		f := strings.Fields(lines.Text())
		if len(f) != 3 {
			require.Failf(t, "unexpected output from the child", "%q; stderr: %s", lines.Text(), childErr())
		}
		tok, err := strconv.ParseUint(f[2], 10, 64)
		require.NoError(t, err)
		switch f[0] {
		case "held":
			held[f[1]] = tok
		case "locked":
			require.Greater(t, tok, maxChurn, "tokens increase")
			maxChurn = tok
			churn++
		default:
			require.Failf(t, "unexpected output", "%q", lines.Text())
		}
	}
	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()
	killed = true
	require.Equal(t, crashChurnMin, churn, "the child stopped early; stderr: %s", childErr())
	require.Len(t, held, crashHeld)

	st, err := badgerstore.Open(dir, &badgerstore.Options{Light: true})
	require.NoError(t, err)
	defer st.Close()
	ctx := context.Background()
	svc, err := lock.New(st, &lock.Config{Clock: clock.New()})
	require.NoError(t, err)
	defer svc.Stop(ctx)

	// Held until ttlAt: other transactions conflict now...
	for p, tok := range held {
		m, err := svc.GetMutex(ctx, ns, "u", p)
		require.NoError(t, err, p)
		require.Equal(t, "child", m.TransactionID)
		require.Equal(t, tok, m.FencingToken)
		_, err = svc.Lock(ctx, ns, "u", p, "parent", time.Minute)
		require.ErrorIs(t, err, lock.ErrConflict, p)
	}
	// ...and get them, with greater tokens, once ttlAt has passed.
	after := clock.WithOffset(ctx, crashTTL+time.Second)
	for p, tok := range held {
		m, err := svc.Lock(after, ns, "u", p, "parent", time.Minute)
		require.NoError(t, err, p)
		require.Greater(t, m.FencingToken, tok, p)
	}
	m, err := svc.Lock(after, ns, "u", "c", "parent", time.Minute)
	require.NoError(t, err)
	require.Greater(t, m.FencingToken, maxChurn)
}
