package namespace

// StatusActive is the status of every existing namespace, as GS2's
// getNamespaceStatus reports it.
const StatusActive = "ACTIVE"

// LogSetting is GS2's log output setting: the GS2-Log namespace that
// receives a namespace's request logs. Hearth stores and returns it; it
// does not ship logs anywhere.
type LogSetting struct {
	// LoggingNamespaceID is a GRN starting with "grn:gs2:", at most 1,024
	// characters. It is required when a LogSetting is given.
	LoggingNamespaceID string `json:"loggingNamespaceId"`
}

// Record is one namespace of a service: the fields common to every GS2
// namespace plus the service's own Settings.
type Record[T any] struct {
	// NamespaceID is the namespace's GRN, grn:gs2:{region}:{owner}:{service}:{name}.
	// It is derived from the registry's GRN builder on every read, not stored.
	NamespaceID string `json:"namespaceId"`
	// Name is the namespace name, unique within the service.
	Name string `json:"name"`
	// Description is free text, at most 1,024 characters.
	Description string `json:"description,omitempty"`
	// LogSetting is the optional log output setting.
	LogSetting *LogSetting `json:"logSetting,omitempty"`
	// Settings are the service's own namespace settings.
	Settings T `json:"settings"`
	// CreatedAt is when the namespace was created, Unix milliseconds.
	CreatedAt int64 `json:"createdAt"`
	// UpdatedAt is when the namespace was last created or updated, Unix
	// milliseconds.
	UpdatedAt int64 `json:"updatedAt"`
	// Revision is 0 at creation and grows by one with every update.
	Revision int64 `json:"revision"`
}

// stored is the on-disk form of a Record: JSON, without the derived GRN.
// Field names are part of the storage format; change them only with a
// migration.
type stored[T any] struct {
	Name        string      `json:"name"`
	Description string      `json:"description,omitempty"`
	LogSetting  *LogSetting `json:"logSetting,omitempty"`
	Settings    T           `json:"settings"`
	CreatedAt   int64       `json:"createdAt"`
	UpdatedAt   int64       `json:"updatedAt"`
	Revision    int64       `json:"revision"`
}

func (s stored[T]) record(id string) Record[T] {
	return Record[T]{
		NamespaceID: id,
		Name:        s.Name,
		Description: s.Description,
		LogSetting:  s.LogSetting,
		Settings:    s.Settings,
		CreatedAt:   s.CreatedAt,
		UpdatedAt:   s.UpdatedAt,
		Revision:    s.Revision,
	}
}
