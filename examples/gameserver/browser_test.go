//go:build browser

package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/store/memstore"
)

// TestBrowser drives the page in headless Chromium, as a person would: log
// in, push a job and see its notification arrive, find a match with a
// bot, see the bot's relay message and get an answer to one's own. It
// saves a screenshot of the page to $HEARTH_SCREENSHOT (the README's is
// examples/gameserver/screenshot.png), else into the test's temp dir.
//
//	go test -tags browser -run Browser ./examples/gameserver/
//
// It needs chromium (Debian's package) on the PATH; .ci/run installs it.
func TestBrowser(t *testing.T) {
	st := memstore.New(nil)
	t.Cleanup(func() { _ = st.Close() })
	s := startServer(t, st, 0)
	botCtx, stopBots := context.WithCancel(context.Background())
	bots := startBots(botCtx, s.base+"/", 1, slog.New(slog.DiscardHandler))
	t.Cleanup(func() { stopBots(); bots.wait() })

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.NoSandbox, // CI runs as root
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithErrorf(t.Logf))
	defer cancelBrowser()
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		require.NoError(t, chromedp.Do(ctx, steps...), what)
	}
	// until waits for a JavaScript predicate to hold.
	until := func(what, js string) {
		t.Helper()
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingInterval(50*time.Millisecond)))
		require.NoError(t, err, what)
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		require.NoError(t, err, sel)
		return s
	}
	visible := func(sel string) chromedp.Action[chromedp.Void] {
		return chromedp.Query(chromedp.CSS(sel), chromedp.NodeVisible)
	}

	do("open the page", chromedp.Navigate(s.base+"/"), visible("#login-name"))

	// The page's relay codec (web/codec.js) against the golden vectors of
	// realtime-vectors.md and RFC 4231, in the browser that runs it.
	failures, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](codecChecks))
	require.NoError(t, err)
	require.Empty(t, failures, "codec.js")

	do("log in",
		chromedp.SendKeys(chromedp.CSS("#login-name"), "alice"),
		chromedp.Click(chromedp.CSS("#login-btn")),
	)
	until("the gateway socket is bound", `document.querySelector("#gateway-status").textContent.includes("bound")`)
	require.Contains(t, text("#player-status"), "alice")

	do("push a job",
		chromedp.SetValue(chromedp.CSS("#job-coins"), "5"),
		chromedp.Click(chromedp.CSS("#job-push")),
		visible(`#notifications .notification[data-subject="Gs2JobQueue:RunNotification"]`),
		visible(`#jobs-results .result[data-status="200"]`),
	)
	until("the coins are paid", `document.querySelector("#coins").textContent.trim() === "5"`)

	do("find a match with the bot",
		chromedp.Click(chromedp.CSS("#match-btn")),
		visible(`#room-log .msg[data-from="bot-1"]`),
	)
	require.Contains(t, text(`#room-log .msg[data-from="bot-1"]`), "hello from bot-1")
	do("talk to the bot",
		chromedp.SendKeys(chromedp.CSS("#room-input"), "hi bot"),
		chromedp.Click(chromedp.CSS("#room-send")),
	)
	until("the bot answers on the relay",
		`[...document.querySelectorAll('#room-log .msg[data-from="bot-1"]')].some(e => e.textContent.includes("bot-1 heard: hi bot"))`)

	// Let the ops pane catch up (it polls every second), then take the
	// picture.
	until("the ops pane shows the room", `document.querySelector("#ops-rooms").textContent.includes("bot-1")`)
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err, "screenshot")
	path := os.Getenv("HEARTH_SCREENSHOT")
	if path == "" {
		path = filepath.Join(t.TempDir(), "screenshot.png")
	}
	require.NoError(t, os.WriteFile(path, shot, 0o644))
	t.Logf("screenshot: %s (%d bytes)", path, len(shot))
}

// codecChecks evaluates to the list of codec.js checks that fail.
const codecChecks = `(() => {
  const C = HearthCodec, hex = C.toHex, unhex = C.fromHex, bad = [];
  const check = (name, ok) => { if (!ok) bad.push(name); };
  // RFC 4231, test case 2.
  check("hmac", hex(C.hmacSha256("Jefe", C.utf8Encode("what do ya want for nothing?"))) ===
    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // The client HelloRequest (bare type_url), signed with "key".
  const hello = "121c0a13747970652e676f6f676c65617069732e636f6d12050a03746f6b1a20c674ad135617e5b3e36f2d5ad55f2d40892f9f665a093a7117ae27169431ef3d";
  const f = C.decodeFrame(unhex(hello), "key");
  check("hello decodes", f.name === "HelloRequest" && f.message.accessToken === "tok");
  check("hello verifies", f.verified === true);
  check("a wrong key does not verify", C.decodeFrame(unhex(hello), "other").verified === false);
  // The server HelloResult, byte for byte.
  const result = "0801122b0a1f747970652e676f6f676c65617069732e636f6d2f48656c6c6f526573756c7412080a060801120275311a20ef2dcf4086aad863f9442ed7a50ed11f4122aab3ec76b8fa20d9005f09da5eb2200128d209";
  check("hello result encodes", hex(C.encodeFrame({messageType: C.MessageType.HELLO_RESULT,
    message: {myProfile: {connectionId: 1, userId: "u1"}, players: []}, key: "key",
    sequenceNumber: 1, lifeTimeMilliSeconds: 1234})) === result);
  // Packed repeated targets.
  check("targets", hex(C.encodeRelayBinaryMessage({targetConnectionId: [2, 3]})) === "1a020203");
  return bad;
})()`
