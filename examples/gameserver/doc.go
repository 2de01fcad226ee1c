// Command gameserver is Hearth's example game server: one process with the
// four services — gateway (players' WebSockets, notifications), jobqueue
// (reward jobs run in the background), lock (each job takes the player's
// wallet lock) and realtime (matches in relay rooms) — durable on Badger,
// with a web page to play and watch it.
//
//	go run ./examples/gameserver            # then open the printed URL
//	go run ./examples/gameserver -bots 5    # with five simulated players
//
// Flags:
//
//	-addr 127.0.0.1:8080     the HTTP address (page, /api/, /ws)
//	-data ./data             the Badger directory; ":memory:" keeps nothing
//	-relay-ports 40000-40099 the ports of match rooms (one per room)
//	-relay-host 127.0.0.1    the address rooms listen on and hand out
//	-log-level info          debug, info, warn or error
//	-log-format text         text or json
//	-bots 0                  simulated players who play by themselves
//
// SIGINT or SIGTERM stops it gracefully within 10 s: the sockets are closed
// with 1001, the services stop and Badger is closed, so every job, result
// and dead letter is there at the next start.
//
// # What it shows
//
// A player logs in (POST /api/login: a token from gateway/token's HMAC
// issuer) and binds the page's WebSocket to the gateway with it. A reward
// job (POST /api/jobs) is pushed to the player's queue in a jobqueue
// namespace with auto-run: a worker runs it in the background, under the
// player's wallet lock (lock.Acquire; the credit carries the lock's
// fencing token), retries it with a backoff when it fails, moves it to the
// dead letters after maxTryCount, and notifies the player after every
// attempt (Gs2JobQueue:RunNotification through the gateway). A match (POST
// /api/match) puts 2..8 waiting players into a realtime room; the relay
// provisions it, realtime notifies each player (Gs2Realtime:Create), and
// the page (or relay/client) joins it on the GS2 relay protocol. GET
// /api/ops is the operator's view of it all. The page is in web/, served
// from an embed.FS (codec.js speaks the relay protocol from the browser).
//
// # HTTP API
//
// JSON in and out. An error is {"error": "…", "field": "…"} with 400 (bad
// input; field names it), 401 (no or bad token; field "Authorization"),
// 404, 405 (with Allow), 409, 413 (a body over 64 KiB) or 500.
//
//	POST   /api/login                   {"player"} → {"player","token"}; creates the player (1..32 of [A-Za-z0-9_-])
//	GET    /api/me                      → {"player","coins","sessions","waiting","room"}
//	POST   /api/jobs                    {"coins" 1..1000, "fail" never|once|always, "maxTryCount" 1..10} → {"job"}
//	GET    /api/jobs                    → {"queued","results" (newest first, ≤ 50),"deadLetters"}
//	POST   /api/deadletters/{name}/requeue → {"job"}
//	POST   /api/match                   → {"status" waiting|matched,"waiting"}
//	DELETE /api/match                   → {"status":"idle"}
//	GET    /api/rooms/{room}            → {"name","status","ipAddress","port","encryptionKey","players"} (its players only)
//	GET    /api/ops                     → {"namespaces","players","rooms","waiting","now"} (no token: a demo)
//	GET    /api/players/{name}          → one player of the ops view
//
// Every call but login and the two ops views takes the login token as
// "Authorization: Bearer <token>". The same token binds the gateway
// WebSocket at /ws ({"type":"setUserId","body":{"token":…}}) and is the
// relay's HelloRequest.accessToken. Notifications arrive on /ws:
// Gs2JobQueue:RunNotification after every attempt at a job, and
// Gs2Realtime:Create when a match's room is ready; then GET
// /api/rooms/{room} gives the relay's address and key.
//
// The game's own records (players, wallets, the jobs each pushed) are kept
// in the same store as Hearth's, under the prefix "gameserver/" (ledger.go).
package main
