package jobqueue

import (
	"bytes"
	"context"
	"errors"
	"sync"

	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/namespace"
	"github.com/hearth-go/hearth/store"
)

// settings are a JobQueue namespace's own settings, as stored.
type settings struct {
	EnableAutoRun      bool                 `json:"enableAutoRun,omitempty"`
	TransactionSetting *TransactionSetting  `json:"transactionSetting,omitempty"`
	PushNotification   *NotificationSetting `json:"pushNotification,omitempty"`
	RunNotification    *NotificationSetting `json:"runNotification,omitempty"`
}

// CreateNamespaceInput is a createNamespace request.
type CreateNamespaceInput struct {
	// Name is required: 1..128 of [A-Za-z0-9_.-] (field "name").
	Name string
	// Description is optional, at most 1,024 characters.
	Description string
	// TransactionSetting is optional; stored and returned.
	TransactionSetting *TransactionSetting
	// EnableAutoRun makes the workers run pushed jobs.
	EnableAutoRun bool
	// PushNotification is optional (see Namespace).
	PushNotification *NotificationSetting
	// RunNotification is optional (see Namespace). GS2 marks it required;
	// its own examples pass none.
	RunNotification *NotificationSetting
	// LogSetting is optional.
	LogSetting *LogSetting
}

// UpdateNamespaceInput is an updateNamespace request. As in GS2 it replaces
// every setting as a whole. Turning EnableAutoRun on wakes the workers for
// every non-empty queue of the namespace; turning it off lets running jobs
// finish and starts no new ones.
type UpdateNamespaceInput struct {
	// NamespaceName is the namespace to update.
	NamespaceName      string
	Description        string
	TransactionSetting *TransactionSetting
	EnableAutoRun      bool
	PushNotification   *NotificationSetting
	RunNotification    *NotificationSetting
	LogSetting         *LogSetting
}

// DescribeNamespacesInput is a describeNamespaces request.
type DescribeNamespacesInput struct {
	// NamePrefix keeps only names that start with it (at most 64 characters).
	NamePrefix string
	// PageToken continues a previous listing; empty starts at the beginning.
	PageToken string
	// Limit is the page size, 1..1000; 0 means 30.
	Limit int
}

// CreateNamespace creates a namespace. An existing name is an error
// matching ErrAlreadyExists.
func (s *Service) CreateNamespace(ctx context.Context, in CreateNamespaceInput) (*Namespace, error) {
	rec, err := s.reg.Create(ctx, namespace.CreateInput[settings]{
		Name: in.Name, Description: in.Description, LogSetting: in.LogSetting,
		Settings: settings{
			EnableAutoRun:      in.EnableAutoRun,
			TransactionSetting: in.TransactionSetting,
			PushNotification:   in.PushNotification,
			RunNotification:    in.RunNotification,
		},
	})
	return fromRecord(rec, err)
}

// GetNamespace returns a namespace, or an error matching ErrNotFound.
func (s *Service) GetNamespace(ctx context.Context, namespaceName string) (*Namespace, error) {
	return fromRecord(s.reg.Get(ctx, namespaceName))
}

// GetNamespaceStatus returns "ACTIVE" for an existing namespace, or an error
// matching ErrNotFound.
func (s *Service) GetNamespaceStatus(ctx context.Context, namespaceName string) (string, error) {
	return s.reg.Status(ctx, namespaceName)
}

// UpdateNamespace replaces a namespace's settings and increments its
// revision (see UpdateNamespaceInput for auto-run).
func (s *Service) UpdateNamespace(ctx context.Context, in UpdateNamespaceInput) (*Namespace, error) {
	rec, err := s.reg.Update(ctx, namespace.UpdateInput[settings]{
		Name: in.NamespaceName, Description: in.Description, LogSetting: in.LogSetting,
		Settings: settings{
			EnableAutoRun:      in.EnableAutoRun,
			TransactionSetting: in.TransactionSetting,
			PushNotification:   in.PushNotification,
			RunNotification:    in.RunNotification,
		},
	})
	if err == nil && rec.Settings.EnableAutoRun {
		s.sched.wakeNamespace(ctx, rec.Name)
	}
	return fromRecord(rec, err)
}

// DeleteNamespace deletes a namespace and, in the same transaction, every
// job, result and dead letter under it, and returns it as it was. Attempts
// in flight finish; their results are dropped.
func (s *Service) DeleteNamespace(ctx context.Context, namespaceName string) (*Namespace, error) {
	return fromRecord(s.reg.Delete(ctx, namespaceName))
}

// DescribeNamespaces lists namespaces in name order, one page at a time;
// nextPageToken is empty on the last page.
func (s *Service) DescribeNamespaces(ctx context.Context, in DescribeNamespacesInput) (items []Namespace, nextPageToken string, err error) {
	recs, next, err := s.reg.List(ctx, namespace.ListInput{NamePrefix: in.NamePrefix, PageToken: in.PageToken, Limit: in.Limit})
	if err != nil {
		return nil, "", err
	}
	items = make([]Namespace, 0, len(recs))
	for _, r := range recs {
		items = append(items, toNamespace(r))
	}
	return items, next, nil
}

// validateSettings is the registry's Validate hook: it checks the settings
// and fills in the notification defaults.
func (s *Service) validateSettings(st *settings) error {
	if t := st.TransactionSetting; t != nil {
		if err := t.Validate("transactionSetting"); err != nil {
			return err
		}
	}
	for _, n := range []struct {
		field string
		ptr   **NotificationSetting
	}{{"pushNotification", &st.PushNotification}, {"runNotification", &st.RunNotification}} {
		if *n.ptr == nil {
			continue
		}
		if err := (*n.ptr).Validate(n.field); err != nil {
			return err
		}
		d := (*n.ptr).WithDefaults(s.grn.Region, s.grn.Owner)
		*n.ptr = &d
	}
	return nil
}

// deleteNamespaceData is the registry's OnDelete hook: it deletes every
// record of ns inside the deleting transaction. The retention index is
// global; its entries for ns are dropped by the sweep when they find no
// result.
func deleteNamespaceData(txn store.Txn, ns string) error {
	for _, kind := range []string{kindMeta, kindJob, kindName, kindResult, kindDead} {
		if err := namespace.DeletePrefixes(txn, nsPrefix(kind, ns)); err != nil {
			return err
		}
	}
	return nil
}

// nsCache keeps the decoded settings of the namespaces the hot paths read:
// a transaction reads the raw record (which guards it against a concurrent
// update or deletion) and decodes it only if it differs from the cached
// one.
type nsCache struct {
	mu sync.RWMutex
	m  map[string]cachedNS
}

type cachedNS struct {
	raw []byte
	set settings
}

// settingsTxn reads namespace ns inside txn and returns its settings; a
// missing namespace is an error matching ErrNotFound.
func (s *Service) settingsTxn(txn store.Txn, ns string) (settings, error) {
	raw, err := txn.Get(s.reg.Key(ns))
	if errors.Is(err, store.ErrNotFound) {
		return settings{}, errs.NotFound("namespace %q", ns)
	}
	if err != nil {
		return settings{}, err
	}
	c := &s.nsCache
	c.mu.RLock()
	e, ok := c.m[ns]
	c.mu.RUnlock()
	if ok && bytes.Equal(e.raw, raw) {
		return e.set, nil
	}
	rec, err := s.reg.Decode(raw)
	if err != nil {
		return settings{}, err
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = make(map[string]cachedNS)
	}
	c.m[ns] = cachedNS{raw: raw, set: rec.Settings}
	c.mu.Unlock()
	return rec.Settings, nil
}

func toNamespace(r namespace.Record[settings]) Namespace {
	return Namespace{
		NamespaceID:        r.NamespaceID,
		Name:               r.Name,
		Description:        r.Description,
		TransactionSetting: r.Settings.TransactionSetting,
		EnableAutoRun:      r.Settings.EnableAutoRun,
		PushNotification:   r.Settings.PushNotification,
		RunNotification:    r.Settings.RunNotification,
		LogSetting:         r.LogSetting,
		CreatedAt:          r.CreatedAt,
		UpdatedAt:          r.UpdatedAt,
		Revision:           r.Revision,
	}
}

func fromRecord(r namespace.Record[settings], err error) (*Namespace, error) {
	if err != nil {
		return nil, err
	}
	n := toNamespace(r)
	return &n, nil
}
