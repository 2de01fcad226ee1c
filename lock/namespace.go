package lock

import (
	"context"

	"github.com/hearth-go/hearth/internal/namespace"
	"github.com/hearth-go/hearth/store"
)

// CreateNamespaceInput is a createNamespace request.
type CreateNamespaceInput struct {
	// Name is required: 1..128 of [A-Za-z0-9_.-] (field "name").
	Name string
	// Description is optional, at most 1,024 characters.
	Description string
	// LogSetting is optional.
	LogSetting *LogSetting
}

// UpdateNamespaceInput is an updateNamespace request. As in GS2 it replaces
// the description and the log setting as a whole.
type UpdateNamespaceInput struct {
	// NamespaceName is the namespace to update.
	NamespaceName string
	// Description replaces the description.
	Description string
	// LogSetting replaces the log setting; nil removes it.
	LogSetting *LogSetting
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
		Name: in.Name, Description: in.Description, LogSetting: toLogSetting(in.LogSetting),
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

// UpdateNamespace replaces a namespace's description and log setting and
// increments its revision.
func (s *Service) UpdateNamespace(ctx context.Context, in UpdateNamespaceInput) (*Namespace, error) {
	rec, err := s.reg.Update(ctx, namespace.UpdateInput[settings]{
		Name: in.NamespaceName, Description: in.Description, LogSetting: toLogSetting(in.LogSetting),
	})
	return fromRecord(rec, err)
}

// DeleteNamespace deletes a namespace and, in the same transaction, every
// mutex and fencing counter under it, and returns the namespace as it was.
// Afterwards the Done channels of its leases close and its waiters return
// ErrNotFound. Fencing tokens of a namespace re-created under the same name
// start again from 1.
func (s *Service) DeleteNamespace(ctx context.Context, namespaceName string) (*Namespace, error) {
	ns, err := fromRecord(s.reg.Delete(ctx, namespaceName))
	if err == nil {
		s.namespaceDeleted(namespaceName)
	}
	return ns, err
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

// deleteNamespaceData is the registry's OnDelete hook: it deletes the
// mutexes and fencing counters of ns inside the deleting transaction.
func deleteNamespaceData(txn store.Txn, ns string) error {
	for _, kind := range []string{kindMutex, kindFence} {
		if err := namespace.DeletePrefixes(txn, nsPrefix(kind, ns)); err != nil {
			return err
		}
	}
	return nil
}

// nsExists is nsExistsAt with the registry's key of ns. Callers have
// validated the name.
func (s *Service) nsExists(txn store.Txn, ns string) error {
	return nsExistsAt(txn, s.reg.Key(ns), ns)
}

func toLogSetting(ls *LogSetting) *namespace.LogSetting {
	if ls == nil {
		return nil
	}
	return &namespace.LogSetting{LoggingNamespaceID: ls.LoggingNamespaceID}
}

func toNamespace(r namespace.Record[settings]) Namespace {
	n := Namespace{
		NamespaceID: r.NamespaceID,
		Name:        r.Name,
		Description: r.Description,
		CreatedAt:   r.CreatedAt,
		UpdatedAt:   r.UpdatedAt,
		Revision:    r.Revision,
	}
	if r.LogSetting != nil {
		n.LogSetting = &LogSetting{LoggingNamespaceID: r.LogSetting.LoggingNamespaceID}
	}
	return n
}

func fromRecord(r namespace.Record[settings], err error) (*Namespace, error) {
	if err != nil {
		return nil, err
	}
	n := toNamespace(r)
	return &n, nil
}
