package gateway

import (
	"context"
	"errors"

	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/keys"
	"github.com/hearth-go/hearth/internal/namespace"
	"github.com/hearth-go/hearth/internal/validate"
	"github.com/hearth-go/hearth/store"
)

// settings are a gateway namespace's own settings, as stored.
type settings struct {
	TransactionSetting *TransactionSetting `json:"transactionSetting,omitempty"`
	FirebaseSecret     string              `json:"firebaseSecret,omitempty"`
}

// CreateNamespaceInput is a createNamespace request.
type CreateNamespaceInput struct {
	// Name is required: 1..128 of [A-Za-z0-9_.-] (field "name").
	Name string
	// Description is optional, at most 1,024 characters.
	Description string
	// TransactionSetting is optional; stored and returned.
	TransactionSetting *TransactionSetting
	// FirebaseSecret is optional, at most 1,024 characters; stored,
	// returned and handed to the MobilePusher (see Namespace).
	FirebaseSecret string
	// LogSetting is optional.
	LogSetting *LogSetting
}

// UpdateNamespaceInput is an updateNamespace request. As in GS2 it replaces
// every setting as a whole.
type UpdateNamespaceInput struct {
	// NamespaceName is the namespace to update.
	NamespaceName      string
	Description        string
	TransactionSetting *TransactionSetting
	FirebaseSecret     string
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
		Settings: settings{TransactionSetting: in.TransactionSetting, FirebaseSecret: in.FirebaseSecret},
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
// revision.
func (s *Service) UpdateNamespace(ctx context.Context, in UpdateNamespaceInput) (*Namespace, error) {
	rec, err := s.reg.Update(ctx, namespace.UpdateInput[settings]{
		Name: in.NamespaceName, Description: in.Description, LogSetting: in.LogSetting,
		Settings: settings{TransactionSetting: in.TransactionSetting, FirebaseSecret: in.FirebaseSecret},
	})
	return fromRecord(rec, err)
}

// DeleteNamespace deletes a namespace and, in the same transaction, every
// session and device token under it, and returns it as it was. After the
// commit it closes this node's connections of the namespace, bound or not,
// with ClosePolicyViolation.
func (s *Service) DeleteNamespace(ctx context.Context, namespaceName string) (*Namespace, error) {
	rec, err := s.reg.Delete(ctx, namespaceName)
	if err == nil {
		s.closeNamespace(namespaceName, ClosePolicyViolation, "namespace deleted")
	}
	return fromRecord(rec, err)
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

// validateSettings is the registry's Validate hook.
func validateSettings(st *settings) error {
	if t := st.TransactionSetting; t != nil {
		if err := t.Validate("transactionSetting"); err != nil {
			return err
		}
	}
	return validate.MaxLen("firebaseSecret", st.FirebaseSecret, MaxFirebaseSecretLen)
}

// deleteNamespaceData is the registry's OnDelete hook: it deletes every
// record of ns — sessions with their connection and node index entries,
// user guards, device tokens — inside the deleting transaction.
func deleteNamespaceData(txn store.Txn, ns string) error {
	sessions := nsPrefix(kindSession, ns)
	var nodeKeys [][]byte
	var derr error
	err := txn.Scan(sessions, store.ScanOptions{}, func(k, v []byte) bool {
		d := keys.NewDecoder(k[len(sessions):])
		if _, derr = d.Str(); derr != nil { // user
			return false
		}
		var connID string
		if connID, derr = d.Str(); derr != nil {
			return false
		}
		var rec sessionRec
		if rec, derr = decodeSession(v); derr != nil {
			return false
		}
		nodeKeys = append(nodeKeys, nodeKey(rec.nodeID, ns, connID))
		return true
	})
	if err == nil {
		err = derr
	}
	if err != nil {
		return err
	}
	for _, k := range nodeKeys {
		if err := txn.Delete(k); err != nil {
			return err
		}
	}
	for _, kind := range []string{kindSession, kindUser, kindConn, kindFirebase} {
		if err := namespace.DeletePrefixes(txn, nsPrefix(kind, ns)); err != nil {
			return err
		}
	}
	return nil
}

// settingsTxn reads namespace ns inside txn (which guards the transaction
// against its concurrent deletion) and returns its settings; a missing
// namespace is an error matching ErrNotFound.
func (s *Service) settingsTxn(txn store.Txn, ns string) (settings, error) {
	raw, err := txn.Get(s.reg.Key(ns))
	if errors.Is(err, store.ErrNotFound) {
		return settings{}, errs.NotFound("namespace %q", ns)
	}
	if err != nil {
		return settings{}, err
	}
	rec, err := s.reg.Decode(raw)
	if err != nil {
		return settings{}, err
	}
	return rec.Settings, nil
}

// requireNamespace reads namespace ns inside txn only to fail with
// ErrNotFound when it is missing; the read guards an Update.
func (s *Service) requireNamespace(txn store.Txn, ns string) error {
	_, err := txn.Get(s.reg.Key(ns))
	if errors.Is(err, store.ErrNotFound) {
		return errs.NotFound("namespace %q", ns)
	}
	return err
}

func toNamespace(r namespace.Record[settings]) Namespace {
	return Namespace{
		NamespaceID:        r.NamespaceID,
		Name:               r.Name,
		Description:        r.Description,
		TransactionSetting: r.Settings.TransactionSetting,
		FirebaseSecret:     r.Settings.FirebaseSecret,
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
