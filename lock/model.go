package lock

// Mutex is GS2's Mutex model plus Hearth's fields: a re-entrant lock on one
// property of one user, held by one transaction.
type Mutex struct {
	// MutexID is the mutex's GRN:
	// grn:gs2:{region}:{owner}:lock:{namespace}:user:{userId}:property:{propertyId}.
	MutexID string `json:"mutexId"`
	// UserID is the user whose property is locked.
	UserID string `json:"userId"`
	// PropertyID names the locked resource.
	PropertyID string `json:"propertyId"`
	// TransactionID is the holder.
	TransactionID string `json:"transactionId"`
	// ReferenceCount is how many times the holder has taken the lock; each
	// Unlock decrements it and the mutex is released at 0 (a Hearth field:
	// GS2 keeps the count but does not show it). In the result of an Unlock
	// that released the mutex it is 0.
	ReferenceCount int64 `json:"referenceCount"`
	// CreatedAt is when the holder took the mutex, Unix milliseconds.
	CreatedAt int64 `json:"createdAt"`
	// TTLAt is when the mutex expires, Unix milliseconds: from that instant
	// on it no longer exists.
	TTLAt int64 `json:"ttlAt"`
	// Revision is 0 when the mutex is taken and grows by one with every
	// change while it is held (re-entrant Lock, Unlock above 1, Refresh).
	Revision int64 `json:"revision"`
	// FencingToken strictly increases every time the mutex passes from free
	// to held (per namespace, user and property, across restarts and
	// expiry). Pass it with every write to the protected resource and have
	// the resource reject tokens lower than the highest it has seen: a
	// holder whose lease expired then cannot overwrite its successor's work.
	FencingToken uint64 `json:"fencingToken"`
}

// LogSetting is GS2's log output setting: the GS2-Log namespace that would
// receive the namespace's request logs. Hearth stores and returns it but
// ships no logs.
type LogSetting struct {
	// LoggingNamespaceID is a GRN starting with "grn:gs2:", at most 1,024
	// characters. Required when a LogSetting is given.
	LoggingNamespaceID string `json:"loggingNamespaceId"`
}

// Namespace is a lock namespace, GS2's Namespace model.
type Namespace struct {
	// NamespaceID is the namespace's GRN, grn:gs2:{region}:{owner}:lock:{name}.
	NamespaceID string `json:"namespaceId"`
	// Name is unique in the service: 1..128 of [A-Za-z0-9_.-].
	Name string `json:"name"`
	// Description is free text, at most 1,024 characters.
	Description string `json:"description,omitempty"`
	// LogSetting is the optional log output setting.
	LogSetting *LogSetting `json:"logSetting,omitempty"`
	// CreatedAt is when the namespace was created, Unix milliseconds.
	CreatedAt int64 `json:"createdAt"`
	// UpdatedAt is when it was last created or updated, Unix milliseconds.
	UpdatedAt int64 `json:"updatedAt"`
	// Revision is 0 at creation and grows by one with every update.
	Revision int64 `json:"revision"`
}
