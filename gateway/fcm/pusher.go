package fcm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/internal/errs"
)

// Scope is the OAuth2 scope the pusher's access tokens are requested for.
const Scope = "https://www.googleapis.com/auth/firebase.messaging"

// DefaultEndpoint is FCM's base URL, used when Config.Endpoint is empty.
const DefaultEndpoint = "https://fcm.googleapis.com"

// DefaultMaxAttempts is Config.MaxAttempts when it is zero.
const DefaultMaxAttempts = 5

// tokenTimeout bounds one OAuth2 token request when Config.HTTPClient has no
// Timeout of its own: the oauth2 package does not give the request a
// context, so nothing else would stop a token endpoint that never answers.
const tokenTimeout = 30 * time.Second

// Config configures a Pusher. Only CredentialsJSON is required.
type Config struct {
	// CredentialsJSON is a Google service-account key, the JSON file the
	// Firebase console downloads (type "service_account"). Required.
	CredentialsJSON []byte
	// ProjectID is the Firebase project messages are sent through. Empty
	// means the key's project_id.
	ProjectID string
	// Endpoint is FCM's base URL, without a path. Empty means
	// DefaultEndpoint; tests point it at a local server.
	Endpoint string
	// HTTPClient sends the FCM requests and the OAuth2 token requests. Nil
	// means http.DefaultClient. When its Timeout is zero, token requests
	// (which do not follow Push's context) are bounded by 30 seconds.
	HTTPClient *http.Client
	// MaxAttempts is how many times one Push sends its message, the first
	// try included, while FCM answers 429 or 5xx. Zero means
	// DefaultMaxAttempts; 1 disables retries.
	MaxAttempts int
	// Clock times the waits between attempts and reads Retry-After dates.
	// Nil means the real clock; tests use clock.NewMock.
	Clock clock.Clock
	// Logger receives a debug line for each retry. Nil means
	// slog.Default().
	Logger *slog.Logger
}

// Pusher is a gateway.MobilePusher that sends through Firebase Cloud
// Messaging's HTTP v1 API. It is safe for concurrent use; one Pusher shares
// one cached access token among all its pushes.
type Pusher struct {
	ts          oauth2.TokenSource
	sendURL     string
	client      *http.Client
	maxAttempts int
	clock       clock.Clock
	log         *slog.Logger
}

var _ gateway.MobilePusher = (*Pusher)(nil)

// New returns a Pusher for cfg. It checks the service-account key (type,
// client_email, a parsable RSA private_key, a project ID) and the endpoint,
// and fails with an error matching gateway.ErrInvalidArgument that names
// the Config field. It makes no network request: the first access token is
// fetched by the first Push. ctx supplies values only (the token source
// keeps it, without its cancellation).
func New(ctx context.Context, cfg Config) (*Pusher, error) {
	key, err := parseServiceAccount(cfg.CredentialsJSON)
	if err != nil {
		return nil, fmt.Errorf("fcm: new: %w", err)
	}
	project := cfg.ProjectID
	if project == "" {
		project = key.ProjectID
	}
	if project == "" {
		return nil, fmt.Errorf("fcm: new: %w", errs.Invalid("ProjectID", "required (the key has no project_id)"))
	}
	endpoint, err := parseEndpoint(cfg.Endpoint)
	if err != nil {
		return nil, fmt.Errorf("fcm: new: %w", err)
	}
	if cfg.MaxAttempts < 0 {
		return nil, fmt.Errorf("fcm: new: %w", errs.Invalid("MaxAttempts", "negative"))
	}
	p := &Pusher{
		sendURL:     endpoint + "/v1/projects/" + url.PathEscape(project) + "/messages:send",
		client:      cfg.HTTPClient,
		maxAttempts: cfg.MaxAttempts,
		clock:       cfg.Clock,
		log:         cfg.Logger,
	}
	if p.client == nil {
		p.client = http.DefaultClient
	}
	if p.maxAttempts == 0 {
		p.maxAttempts = DefaultMaxAttempts
	}
	if p.clock == nil {
		p.clock = clock.New()
	}
	if p.log == nil {
		p.log = slog.Default()
	}

	tokenClient := *p.client
	if tokenClient.Timeout == 0 {
		tokenClient.Timeout = tokenTimeout
	}
	tctx := context.WithValue(context.WithoutCancel(ctx), oauth2.HTTPClient, &tokenClient)
	creds, err := google.CredentialsFromJSONWithType(tctx, cfg.CredentialsJSON, google.ServiceAccount, Scope)
	if err != nil {
		return nil, fmt.Errorf("fcm: new: %w", errs.Invalidf("CredentialsJSON", "%v", err))
	}
	p.ts = creds.TokenSource
	return p, nil
}

// Push sends msg to the device msg.Token (see the package documentation for
// the request). It returns nil once FCM has accepted the message. It
// retries 429 and 5xx answers and failed connections up to MaxAttempts,
// waiting as FCM's Retry-After says or with jittered exponential backoff,
// and returns ctx's error as soon as ctx ends. An unregistered token gives
// an *Error matching gateway.ErrTokenUnregistered; any other 4xx answer an
// *Error at once.
func (p *Pusher) Push(ctx context.Context, msg gateway.MobileMessage) error {
	if msg.Token == "" {
		return fmt.Errorf("fcm: push: %w", errs.Invalid("token", "required"))
	}
	body, err := encodeMessage(msg)
	if err != nil {
		return fmt.Errorf("fcm: push: %w", err)
	}
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("fcm: push: %w", err)
		}
		err := p.send(ctx, body)
		var retry *retryableError
		if !errors.As(err, &retry) {
			if err != nil {
				return fmt.Errorf("fcm: push: %w", err)
			}
			return nil
		}
		if attempt >= p.maxAttempts {
			return fmt.Errorf("fcm: push: giving up after %d attempts: %w", attempt, retry.err)
		}
		wait := backoff(attempt)
		if retry.hasRetryAfter {
			wait = retry.retryAfter
			if wait > maxRetryAfter {
				return fmt.Errorf("fcm: push: server asked to retry after %v (more than %v): %w", wait, maxRetryAfter, retry.err)
			}
		}
		p.log.DebugContext(ctx, "fcm: retrying push", "attempt", attempt, "wait", wait, "err", retry.err)
		if err := p.sleep(ctx, wait); err != nil {
			return fmt.Errorf("fcm: push: %w (after %d attempts; last: %v)", err, attempt, retry.err)
		}
	}
}

// send makes one attempt: it gets an access token and posts body. A nil
// error means FCM accepted the message; a *retryableError says the attempt
// may be repeated; any other error is final.
func (p *Pusher) send(ctx context.Context, body []byte) error {
	tok, err := p.token(ctx)
	if err != nil {
		return classifyTokenError(ctx, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.sendURL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	tok.SetAuthHeader(req)
	resp, err := p.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &retryableError{err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		return nil
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	fcmErr := parseError(resp.StatusCode, raw)
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), p.clock.Now())
		return &retryableError{err: fcmErr, retryAfter: d, hasRetryAfter: ok}
	}
	return fcmErr
}

// token returns the cached access token, fetching a new one when it has
// expired, and gives up when ctx ends. The oauth2 package fetches without a
// context, so the fetch runs on its own goroutine, which ends with the
// token request (bounded by the token client's timeout).
func (p *Pusher) token(ctx context.Context) (*oauth2.Token, error) {
	type result struct {
		tok *oauth2.Token
		err error
	}
	ch := make(chan result, 1)
	go func() {
		tok, err := p.ts.Token()
		ch <- result{tok, err}
	}()
	select {
	case r := <-ch:
		return r.tok, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// classifyTokenError decides whether a failed token fetch is worth another
// attempt: the token endpoint's 408/429/500/503 and failed connections are;
// a refused grant (a revoked key, a wrong scope) is not.
func classifyTokenError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	wrapped := fmt.Errorf("oauth2 token: %w", err)
	var temp interface{ Temporary() bool }
	if errors.As(err, &temp) {
		if temp.Temporary() {
			return &retryableError{err: wrapped}
		}
		return wrapped
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return wrapped // an answer from the token endpoint that is not temporary
	}
	// The key was checked by New, so what is left is the connection.
	return &retryableError{err: wrapped}
}

// sleep waits d on the pusher's clock, or until ctx ends.
func (p *Pusher) sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := p.clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// parseEndpoint checks Config.Endpoint and returns it without a trailing
// slash.
func parseEndpoint(s string) (string, error) {
	if s == "" {
		return DefaultEndpoint, nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", errs.Invalid("Endpoint", "not an http(s) URL")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", errs.Invalid("Endpoint", "has a query or fragment")
	}
	return strings.TrimRight(s, "/"), nil
}
