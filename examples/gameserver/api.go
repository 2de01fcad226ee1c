package main

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/hearth-go/hearth/jobqueue"
	"github.com/hearth-go/hearth/realtime"
)

//go:embed web
var webFS embed.FS

// maxBody bounds a request body.
const maxBody = 64 << 10

// playerName is what a player may be called.
var playerName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// apiError is an error answer: the status, and the field at fault.
type apiError struct {
	status int
	field  string
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func badRequest(field, msg string) error {
	return &apiError{status: http.StatusBadRequest, field: field, msg: msg}
}

func notFound(msg string) error { return &apiError{status: http.StatusNotFound, msg: msg} }

// routes is the HTTP interface of the game server.
func (a *app) routes() *http.ServeMux {
	mux := http.NewServeMux()
	web, _ := fs.Sub(webFS, "web")
	files := http.FileServerFS(web)
	mux.Handle("GET /{$}", files)    // index.html
	mux.Handle("GET /{file}", files) // codec.js, app.js, style.css
	mux.Handle("GET /ws", a.ws)
	mux.HandleFunc("/api/", a.noRoute(mux))
	mux.HandleFunc("POST /api/login", a.handle(a.login))
	mux.HandleFunc("GET /api/me", a.authed(a.me))
	mux.HandleFunc("POST /api/jobs", a.authed(a.pushJob))
	mux.HandleFunc("GET /api/jobs", a.authed(a.listJobs))
	mux.HandleFunc("POST /api/deadletters/{name}/requeue", a.authed(a.requeue))
	mux.HandleFunc("POST /api/match", a.authed(a.joinMatch))
	mux.HandleFunc("DELETE /api/match", a.authed(a.leaveMatch))
	mux.HandleFunc("GET /api/rooms/{room}", a.authed(a.getRoom))
	mux.HandleFunc("GET /api/ops", a.handle(a.ops))
	mux.HandleFunc("GET /api/players/{name}", a.handle(a.opsPlayer))
	return mux
}

// noRoute answers, in JSON like every API error, a request no API route
// takes: 405 with Allow when the path exists for other methods, else 404.
func (a *app) noRoute(mux *http.ServeMux) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodDelete} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "/api/" {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": r.Method + " is not allowed on " + r.URL.Path, "field": ""})
			return
		}
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no API at " + r.URL.Path, "field": ""})
	}
}

// handle turns fn's answer into JSON, and its error into an error answer.
func (a *app) handle(fn func(r *http.Request) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		v, err := fn(r)
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, v)
	}
}

// authed is handle for a logged-in player: the Bearer token names them.
func (a *app) authed(fn func(r *http.Request, player string) (any, error)) http.HandlerFunc {
	return a.handle(func(r *http.Request) (any, error) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || tok == "" {
			return nil, &apiError{status: http.StatusUnauthorized, field: "Authorization", msg: "log in first: no Bearer token"}
		}
		player, err := a.tokens.Verify(r.Context(), tok)
		if err != nil {
			return nil, &apiError{status: http.StatusUnauthorized, field: "Authorization", msg: "invalid token: " + err.Error()}
		}
		known, err := a.ledger.exists(r.Context(), player)
		if err != nil {
			return nil, err
		}
		if !known {
			return nil, notFound("unknown player " + player)
		}
		return fn(r, player)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers err: an apiError as it says; a Hearth validation,
// not-found or conflict error as 400, 404 or 409; anything else as 500
// (logged, its text not shown).
func (a *app) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &ae):
	case errors.As(err, &mbe):
		ae = &apiError{status: http.StatusRequestEntityTooLarge, msg: "request body too large"}
	case errors.Is(err, jobqueue.ErrInvalidArgument):
		ae = &apiError{status: http.StatusBadRequest, msg: err.Error()}
	case errors.Is(err, jobqueue.ErrNotFound):
		ae = &apiError{status: http.StatusNotFound, msg: err.Error()}
	case errors.Is(err, jobqueue.ErrConflict):
		ae = &apiError{status: http.StatusConflict, msg: err.Error()}
	case errors.Is(err, context.Canceled):
		return // the client went away
	default:
		a.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		ae = &apiError{status: http.StatusInternalServerError, msg: "internal error"}
	}
	writeJSON(w, ae.status, map[string]string{"error": ae.msg, "field": ae.field})
}

// decode reads a JSON body into v, strictly.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return badRequest(te.Field, "must be a "+te.Type.String())
		}
		if errors.Is(err, io.EOF) {
			return badRequest("", "a JSON body is required")
		}
		if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return badRequest(strings.Trim(f, `"`), "unknown field")
		}
		return badRequest("", "malformed JSON: "+err.Error())
	}
	// Nothing but white space may follow: not a second value, not a
	// stray bracket, and not past the body limit.
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return badRequest("", "one JSON object expected")
	}
	return nil
}

// loginRequest is POST /api/login.
type loginRequest struct {
	Player string `json:"player"`
}

func (a *app) login(r *http.Request) (any, error) {
	var in loginRequest
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	if !playerName.MatchString(in.Player) {
		return nil, badRequest("player", "1 to 32 letters, digits, '_' or '-'")
	}
	if err := a.ledger.login(r.Context(), in.Player); err != nil {
		return nil, err
	}
	tok, err := a.tokens.Issue(r.Context(), in.Player, tokenTTL)
	if err != nil {
		return nil, err
	}
	return map[string]string{"player": in.Player, "token": tok}, nil
}

// roomView is a room as a player or the ops view sees it.
type roomView struct {
	Name          string   `json:"name"`
	Status        string   `json:"status"`
	IPAddress     string   `json:"ipAddress,omitempty"`
	Port          int      `json:"port,omitempty"`
	EncryptionKey string   `json:"encryptionKey,omitempty"`
	Players       []string `json:"players"`
	CreatedAt     int64    `json:"createdAt"`
}

func (a *app) getRoom(r *http.Request, player string) (any, error) {
	name := r.PathValue("room")
	members, ok := a.rooms.members(name)
	if !ok || !slices.Contains(members, player) {
		return nil, notFound("no room " + name + " of yours")
	}
	room, err := a.rt.GetRoom(r.Context(), ns, name)
	if errors.Is(err, realtime.ErrNotFound) || errors.Is(err, realtime.ErrInvalidArgument) {
		return nil, notFound("room " + name + " is gone")
	}
	if err != nil {
		return nil, err
	}
	return roomView{Name: room.Name, Status: room.Status, IPAddress: room.IPAddress, Port: room.Port,
		EncryptionKey: room.EncryptionKey, Players: members, CreatedAt: room.CreatedAt}, nil
}
