package namespace

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/grn"
	"github.com/hearth-go/hearth/internal/keys"
	"github.com/hearth-go/hearth/internal/page"
	"github.com/hearth-go/hearth/internal/validate"
	"github.com/hearth-go/hearth/store"
)

// recordKind is the key segment, after the service token, under which the
// namespace records of a service live.
const recordKind = "namespace"

// Config configures a Registry.
type Config[T any] struct {
	// Service is the service token, used in GRNs and as the first segment
	// of every key the registry writes: "lock", "queue", "gateway",
	// "realtime". Required.
	Service string
	// Store holds the records. Required.
	Store store.Store
	// Clock supplies timestamps; nil means clock.New().
	Clock clock.Clock
	// GRN builds namespace GRNs; an empty Region or Owner means
	// grn.DefaultRegion or grn.DefaultOwner.
	GRN grn.Builder
	// Validate checks the service's settings on Create and Update and may
	// fill in their defaults; what it leaves in *s is what is stored. Its
	// errors are returned as they are (wrapped with the operation), so they
	// should be *errs.FieldError values naming the field. Nil means no
	// check.
	Validate func(s *T) error
	// OnDelete deletes the service's records of the namespace inside the
	// transaction that deletes the namespace. An error aborts the whole
	// deletion. It may run more than once if the transaction is retried.
	// Nil means the service keeps nothing else under its namespaces.
	OnDelete func(txn store.Txn, namespace string) error
}

// CreateInput is a create-namespace request.
type CreateInput[T any] struct {
	// Name is the new namespace's name (field "name").
	Name string
	// Description is optional free text.
	Description string
	// LogSetting is optional.
	LogSetting *LogSetting
	// Settings are the service's own settings, passed to Config.Validate.
	Settings T
}

// UpdateInput is an update-namespace request. As in GS2, an update
// replaces the description, the log setting and the settings as a whole:
// a field left empty is cleared (or set to its default by Config.Validate).
type UpdateInput[T any] struct {
	// Name is the namespace to update (field "namespaceName").
	Name string
	// Description replaces the description.
	Description string
	// LogSetting replaces the log setting; nil removes it.
	LogSetting *LogSetting
	// Settings replace the service's settings.
	Settings T
}

// ListInput is a list-namespaces request.
type ListInput struct {
	// NamePrefix, if set, keeps only names that start with it (at most 64
	// characters).
	NamePrefix string
	// PageToken continues a previous listing with the same NamePrefix;
	// empty starts at the beginning.
	PageToken string
	// Limit is the page size, 1..1000; 0 means 30.
	Limit int
}

// Registry stores the namespaces of one service. It is safe for
// concurrent use.
type Registry[T any] struct {
	service  string
	store    store.Store
	clock    clock.Clock
	grn      grn.Builder
	validate func(*T) error
	onDelete func(store.Txn, string) error
}

// New returns a Registry for cfg. It fails, with an error matching
// errs.ErrInvalidArgument, when cfg.Service or cfg.Store is missing or the
// GRN builder is invalid.
func New[T any](cfg Config[T]) (*Registry[T], error) {
	if err := validate.Name("Service", cfg.Service); err != nil {
		return nil, fmt.Errorf("namespace: config: %w", err)
	}
	if cfg.Store == nil {
		return nil, fmt.Errorf("namespace: config: %w", errs.Invalid("Store", "required"))
	}
	b := cfg.GRN.WithDefaults()
	if err := b.Validate(); err != nil {
		return nil, fmt.Errorf("namespace: config: %w", err)
	}
	c := cfg.Clock
	if c == nil {
		c = clock.New()
	}
	return &Registry[T]{
		service:  cfg.Service,
		store:    cfg.Store,
		clock:    c,
		grn:      b,
		validate: cfg.Validate,
		onDelete: cfg.OnDelete,
	}, nil
}

// Prefix returns the key prefix of every namespace record of service:
// keys.New(service, "namespace").
func Prefix(service string) keys.Key { return keys.New(service, recordKind) }

// Key returns the key of the record of namespace name:
// keys.New(service, "namespace").Str(name).
func (r *Registry[T]) Key(name string) keys.Key { return Prefix(r.service).Str(name) }

// Service returns the service token the registry was configured with.
func (r *Registry[T]) Service() string { return r.service }

// GRN returns the GRN of namespace name, whether or not it exists.
func (r *Registry[T]) GRN(name string) string { return r.grn.Namespace(r.service, name) }

// Create stores a new namespace with revision 0 and both timestamps set to
// now. A name already in use returns an error matching errs.ErrAlreadyExists.
func (r *Registry[T]) Create(ctx context.Context, in CreateInput[T]) (Record[T], error) {
	const op = "create namespace"
	if err := validate.Name(fieldName, in.Name); err != nil {
		return Record[T]{}, r.wrap(op, err)
	}
	settings, err := r.check(in.Description, in.LogSetting, in.Settings)
	if err != nil {
		return Record[T]{}, r.wrap(op, err)
	}
	now := clock.Millis(clock.Now(ctx, r.clock))
	value, err := json.Marshal(stored[T]{
		Name:        in.Name,
		Description: in.Description,
		LogSetting:  in.LogSetting,
		Settings:    settings,
		CreatedAt:   now,
		UpdatedAt:   now,
	})
	if err != nil {
		return Record[T]{}, r.wrap(op, err)
	}
	key := r.Key(in.Name)
	err = store.UpdateRetry(ctx, r.store, func(txn store.Txn) error {
		_, err := txn.Get(key)
		switch {
		case err == nil:
			return errs.AlreadyExists("namespace %q", in.Name)
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		return txn.Set(key, value)
	})
	if err != nil {
		return Record[T]{}, r.wrap(op, errs.FromStore(err))
	}
	return r.decode(value)
}

// Get returns the namespace name, or an error matching errs.ErrNotFound.
func (r *Registry[T]) Get(ctx context.Context, name string) (Record[T], error) {
	return r.get(ctx, "get namespace", name)
}

func (r *Registry[T]) get(ctx context.Context, op, name string) (Record[T], error) {
	if err := ValidateName(name); err != nil {
		return Record[T]{}, r.wrap(op, err)
	}
	var rec Record[T]
	err := r.store.View(ctx, func(txn store.Txn) error {
		var err error
		rec, err = r.GetTxn(txn, name)
		return err
	})
	if err != nil {
		return Record[T]{}, r.wrap(op, errs.FromStore(err))
	}
	return rec, nil
}

// GetTxn reads namespace name inside a service's own transaction. In an
// Update transaction the read also guards the call: if the namespace is
// deleted (or updated) concurrently, the transaction conflicts and is
// retried, so a service never writes under a namespace that is gone. A
// missing namespace is an error matching errs.ErrNotFound; an invalid name
// one matching errs.ErrInvalidArgument (field "namespaceName"). Errors are
// not wrapped with the service name, so the service can wrap them itself.
func (r *Registry[T]) GetTxn(txn store.Txn, name string) (Record[T], error) {
	if err := ValidateName(name); err != nil {
		return Record[T]{}, err
	}
	value, err := r.load(txn, name)
	if err != nil {
		return Record[T]{}, err
	}
	return r.decode(value)
}

// Update replaces the description, log setting and settings of an existing
// namespace, sets UpdatedAt to now and increments Revision; CreatedAt is
// kept. A missing namespace is an error matching errs.ErrNotFound.
func (r *Registry[T]) Update(ctx context.Context, in UpdateInput[T]) (Record[T], error) {
	const op = "update namespace"
	if err := ValidateName(in.Name); err != nil {
		return Record[T]{}, r.wrap(op, err)
	}
	settings, err := r.check(in.Description, in.LogSetting, in.Settings)
	if err != nil {
		return Record[T]{}, r.wrap(op, err)
	}
	now := clock.Millis(clock.Now(ctx, r.clock))
	key := r.Key(in.Name)
	var value []byte
	err = store.UpdateRetry(ctx, r.store, func(txn store.Txn) error {
		old, err := r.load(txn, in.Name)
		if err != nil {
			return err
		}
		var cur stored[T]
		if err := json.Unmarshal(old, &cur); err != nil {
			return r.corrupt(in.Name, err)
		}
		value, err = json.Marshal(stored[T]{
			Name:        cur.Name,
			Description: in.Description,
			LogSetting:  in.LogSetting,
			Settings:    settings,
			CreatedAt:   cur.CreatedAt,
			UpdatedAt:   now,
			Revision:    cur.Revision + 1,
		})
		if err != nil {
			return err
		}
		return txn.Set(key, value)
	})
	if err != nil {
		return Record[T]{}, r.wrap(op, errs.FromStore(err))
	}
	return r.decode(value)
}

// Delete removes namespace name and, through Config.OnDelete, every record
// the service keeps under it, in one transaction, and returns the record as
// it was. A missing namespace is an error matching errs.ErrNotFound; if
// OnDelete fails, nothing is deleted.
func (r *Registry[T]) Delete(ctx context.Context, name string) (Record[T], error) {
	const op = "delete namespace"
	if err := ValidateName(name); err != nil {
		return Record[T]{}, r.wrap(op, err)
	}
	key := r.Key(name)
	var value []byte
	err := store.UpdateRetry(ctx, r.store, func(txn store.Txn) error {
		var err error
		if value, err = r.load(txn, name); err != nil {
			return err
		}
		if err := txn.Delete(key); err != nil {
			return err
		}
		if r.onDelete != nil {
			return r.onDelete(txn, name)
		}
		return nil
	})
	if err != nil {
		return Record[T]{}, r.wrap(op, errs.FromStore(err))
	}
	return r.decode(value)
}

// List returns the namespaces whose names start with in.NamePrefix, in
// name order, one page at a time. nextPageToken is empty on the last page.
func (r *Registry[T]) List(ctx context.Context, in ListInput) (items []Record[T], nextPageToken string, err error) {
	const op = "list namespaces"
	limit, err := validateList(in)
	if err != nil {
		return nil, "", r.wrap(op, err)
	}
	prefix := Prefix(r.service).StrPrefix(in.NamePrefix)
	if in.PageToken != "" {
		if _, err := page.Decode(prefix, in.PageToken); err != nil {
			return nil, "", r.wrap(op, pageTokenError(err))
		}
	}
	err = r.store.View(ctx, func(txn store.Txn) error {
		var err error
		items, nextPageToken, err = page.Collect(txn, prefix, in.PageToken, limit,
			func(_, value []byte) (Record[T], bool, error) {
				rec, err := r.decode(value)
				return rec, err == nil, err
			})
		return err
	})
	if err != nil {
		return nil, "", r.wrap(op, errs.FromStore(err))
	}
	return items, nextPageToken, nil
}

// Status returns StatusActive for an existing namespace, or an error
// matching errs.ErrNotFound.
func (r *Registry[T]) Status(ctx context.Context, name string) (string, error) {
	if _, err := r.get(ctx, "get namespace status", name); err != nil {
		return "", err
	}
	return StatusActive, nil
}

// check validates the fields shared by Create and Update and runs the
// settings hook on a copy of settings, which it returns.
func (r *Registry[T]) check(description string, ls *LogSetting, settings T) (T, error) {
	if err := validateCommon(description, ls); err != nil {
		return settings, err
	}
	if r.validate != nil {
		if err := r.validate(&settings); err != nil {
			return settings, err
		}
	}
	return settings, nil
}

// load returns the stored value of namespace name in txn.
func (r *Registry[T]) load(txn store.Txn, name string) ([]byte, error) {
	value, err := txn.Get(r.Key(name))
	if errors.Is(err, store.ErrNotFound) {
		return nil, errs.NotFound("namespace %q", name)
	}
	return value, err
}

// Decode turns a stored namespace record, as read at Key(name) inside a
// service's transaction, into a Record. Services that read the record on a
// hot path read the raw value (so the read guards their transaction, as
// GetTxn's does) and decode it only when it changed.
func (r *Registry[T]) Decode(value []byte) (Record[T], error) { return r.decode(value) }

// decode turns a stored value into a Record.
func (r *Registry[T]) decode(value []byte) (Record[T], error) {
	var s stored[T]
	if err := json.Unmarshal(value, &s); err != nil {
		return Record[T]{}, r.corrupt("", err)
	}
	return s.record(r.GRN(s.Name)), nil
}

func (r *Registry[T]) corrupt(name string, err error) error {
	return fmt.Errorf("namespace: corrupt %s namespace record %q: %w", r.service, name, err)
}

func (r *Registry[T]) wrap(op string, err error) error {
	return fmt.Errorf("%s: %s: %w", r.service, op, err)
}

// pageTokenError makes sure a rejected page token names the field
// "pageToken" and matches errs.ErrInvalidArgument.
func pageTokenError(err error) error {
	if fe, ok := errors.AsType[*errs.FieldError](err); ok && fe.Field == fieldPageToken {
		return err
	}
	return errs.Invalid(fieldPageToken, "invalid page token")
}
