package realtime

import (
	"context"

	"github.com/hearth-go/hearth/internal/namespace"
	"github.com/hearth-go/hearth/internal/validate"
	"github.com/hearth-go/hearth/store"
)

// settings are a Realtime namespace's own settings, as stored.
type settings struct {
	TransactionSetting *TransactionSetting  `json:"transactionSetting,omitempty"`
	ServerType         string               `json:"serverType"`
	ServerSpec         string               `json:"serverSpec"`
	CreateNotification *NotificationSetting `json:"createNotification,omitempty"`
}

// CreateNamespaceInput is a createNamespace request.
type CreateNamespaceInput struct {
	// Name is required: 1..128 of [A-Za-z0-9_.-] (field "name").
	Name string
	// Description is optional, at most 1,024 characters.
	Description string
	// TransactionSetting is optional; stored and returned.
	TransactionSetting *TransactionSetting
	// ServerType is ServerTypeRelay; empty means it.
	ServerType string
	// ServerSpec is ServerSpecNano; empty means it.
	ServerSpec string
	// CreateNotification is optional (see Namespace).
	CreateNotification *NotificationSetting
	// LogSetting is optional.
	LogSetting *LogSetting
}

// UpdateNamespaceInput is an updateNamespace request. As in GS2 it replaces
// every setting as a whole. Rooms already provisioned keep their server.
type UpdateNamespaceInput struct {
	// NamespaceName is the namespace to update.
	NamespaceName string
	// Description replaces the description (up to 1024 characters).
	Description string
	// TransactionSetting replaces the transaction setting; nil clears it.
	TransactionSetting *TransactionSetting
	// ServerType replaces the server type: "relay" (empty means "relay").
	ServerType string
	// ServerSpec replaces the server spec: "realtime1.nano" (empty means
	// "realtime1.nano").
	ServerSpec string
	// CreateNotification replaces the Gs2Realtime:Create setting; nil
	// clears it (no notification).
	CreateNotification *NotificationSetting
	// LogSetting replaces the log setting; nil clears it.
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
		Name: in.Name, Description: in.Description, LogSetting: in.LogSetting,
		Settings: settings{
			TransactionSetting: in.TransactionSetting,
			ServerType:         in.ServerType,
			ServerSpec:         in.ServerSpec,
			CreateNotification: in.CreateNotification,
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
// revision.
func (s *Service) UpdateNamespace(ctx context.Context, in UpdateNamespaceInput) (*Namespace, error) {
	rec, err := s.reg.Update(ctx, namespace.UpdateInput[settings]{
		Name: in.NamespaceName, Description: in.Description, LogSetting: in.LogSetting,
		Settings: settings{
			TransactionSetting: in.TransactionSetting,
			ServerType:         in.ServerType,
			ServerSpec:         in.ServerSpec,
			CreateNotification: in.CreateNotification,
		},
	})
	return fromRecord(rec, err)
}

// DeleteNamespace deletes a namespace and, in the same transaction, every
// room under it, and returns it as it was. After the commit every deleted
// room is released (Provisioner.Release: it ends and its players are
// disconnected) and provisioning in flight for them is cancelled.
func (s *Service) DeleteNamespace(ctx context.Context, namespaceName string) (*Namespace, error) {
	rec, err := s.reg.Delete(ctx, namespaceName)
	s.mu.Lock()
	rooms := s.dropped[namespaceName]
	delete(s.dropped, namespaceName)
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	for i := range rooms {
		s.afterDelete(ctx, &rooms[i])
	}
	return fromRecord(rec, nil)
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
// and fills in the defaults.
func (s *Service) validateSettings(st *settings) error {
	if t := st.TransactionSetting; t != nil {
		if err := t.Validate("transactionSetting"); err != nil {
			return err
		}
	}
	if st.ServerType == "" {
		st.ServerType = ServerTypeRelay
	}
	if err := validate.OneOf("serverType", st.ServerType, ServerTypeRelay); err != nil {
		return err
	}
	if st.ServerSpec == "" {
		st.ServerSpec = ServerSpecNano
	}
	if err := validate.OneOf("serverSpec", st.ServerSpec, ServerSpecNano); err != nil {
		return err
	}
	if n := st.CreateNotification; n != nil {
		if err := n.Validate("createNotification"); err != nil {
			return err
		}
		d := n.WithDefaults(s.grn.Region, s.grn.Owner)
		st.CreateNotification = &d
	}
	return nil
}

// deleteNamespaceData is the registry's OnDelete hook: it deletes every
// room of ns inside the deleting transaction and remembers them, so that
// DeleteNamespace releases them after the commit. It may run more than
// once (retries): each run replaces the list.
func (s *Service) deleteNamespaceData(txn store.Txn, ns string) error {
	var rooms []roomRec
	var decodeErr error
	err := txn.Scan(roomPrefix(ns), store.ScanOptions{}, func(_, v []byte) bool {
		r, err := decodeRoom(v)
		if err != nil {
			decodeErr = err
			return false
		}
		rooms = append(rooms, r)
		return true
	})
	if err == nil {
		err = decodeErr
	}
	if err != nil {
		return err
	}
	if err := namespace.DeletePrefixes(txn, roomPrefix(ns)); err != nil {
		return err
	}
	s.mu.Lock()
	s.dropped[ns] = rooms
	s.mu.Unlock()
	return nil
}

func toNamespace(r namespace.Record[settings]) Namespace {
	return Namespace{
		NamespaceID:        r.NamespaceID,
		Name:               r.Name,
		Description:        r.Description,
		TransactionSetting: r.Settings.TransactionSetting,
		ServerType:         r.Settings.ServerType,
		ServerSpec:         r.Settings.ServerSpec,
		CreateNotification: r.Settings.CreateNotification,
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
