package badgerstore_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/store"
	"github.com/hearth-go/hearth/store/badgerstore"
)

// Environment of the crash child process.
const (
	crashDirEnv        = "HEARTH_CRASH_DIR"
	crashDurabilityEnv = "HEARTH_CRASH_DURABILITY" // "sync" for Sync, else Crash
)

// crashReported is how many commits the parent waits for before killing
// the child.
const crashReported = 500

// crashValue is the value the child writes at key i: small values go to
// Badger's write-ahead log, every tenth is large enough for the value log.
func crashValue(i int) []byte {
	v := []byte(fmt.Sprint("value-", i))
	if i%10 == 0 {
		v = append(v, bytes.Repeat([]byte{byte(i)}, 100<<10)...)
	}
	return v
}

func crashKey(i int) []byte { return []byte(fmt.Sprintf("crash/%08d", i)) }

// TestCrashChild is the child of TestKill9: it commits key i = value i in a
// loop and prints "committed i" after each Update returned, until it is
// killed. It does nothing unless started by TestKill9.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		return
	}
	opts := &badgerstore.Options{Light: true}
	if os.Getenv(crashDurabilityEnv) == "sync" {
		opts.Durability = badgerstore.Sync
	}
	s, err := badgerstore.Open(dir, opts)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	for i := range 100 * crashReported { // bounded in case the parent is gone
		err := s.Update(t.Context(), func(tx store.Txn) error { return tx.Set(crashKey(i), crashValue(i)) })
		if err != nil {
			fmt.Println("update:", err)
			os.Exit(2)
		}
		fmt.Println("committed", i)
	}
	os.Exit(3) // never killed
}

// TestKill9: every Update that returned before the process was killed
// with SIGKILL is in the store after reopening it, with both durability
// levels (Crash relies on the OS page cache holding Badger's mmapped logs).
func TestKill9(t *testing.T) {
	t.Parallel()
	for _, dur := range []string{"crash", "sync"} {
		t.Run(dur, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), crashDirEnv+"="+dir, crashDurabilityEnv+"="+dur)
			out, err := cmd.StdoutPipe()
			require.NoError(t, err)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			require.NoError(t, cmd.Start())
			killed := false
			defer func() { // do not leave the child running if the test fails early
				if !killed {
					_ = cmd.Process.Kill()
					_ = cmd.Wait()
				}
			}()

			last := -1
			lines := bufio.NewScanner(out)
			for last < crashReported-1 && lines.Scan() {
				n, ok := strings.CutPrefix(lines.Text(), "committed ")
				if !ok {
					_ = cmd.Process.Kill()
					_ = cmd.Wait()
					killed = true
					require.Failf(t, "unexpected output from the child", "%q; stderr: %s", lines.Text(), stderr.String())
				}
				i, err := strconv.Atoi(n)
				require.NoError(t, err)
				require.Equal(t, last+1, i, "commits are reported in order")
				last = i
			}
			require.NoError(t, cmd.Process.Kill())
			_ = cmd.Wait() // "signal: killed"
			killed = true
			require.Equal(t, crashReported-1, last, "the child stopped early; stderr: %s", stderr.String())

			s, err := badgerstore.Open(dir, &badgerstore.Options{Light: true})
			require.NoError(t, err)
			defer s.Close()
			require.NoError(t, s.View(t.Context(), func(tx store.Txn) error {
				for i := range last + 1 {
					v, err := tx.Get(crashKey(i))
					if err != nil {
						return fmt.Errorf("key %d was reported committed: %w", i, err)
					}
					if !bytes.Equal(crashValue(i), v) {
						return fmt.Errorf("key %d holds %.20q, want %.20q", i, v, crashValue(i))
					}
				}
				return nil
			}))
		})
	}
}
