// Package namespace is the namespace registry every Hearth service reuses:
// GS2's createNamespace, getNamespace, getNamespaceStatus, updateNamespace,
// deleteNamespace and describeNamespaces, with the service's own settings
// as a type parameter.
//
// A service builds one [Registry] with its service token ("lock", "queue",
// "gateway", "realtime"), a [Config.Validate] hook that checks and
// defaults its settings, and a [Config.OnDelete] hook that deletes its
// records under a namespace. Its own methods read the namespace inside their
// transactions with [Registry.GetTxn].
//
// # Keys
//
// Every key a service writes starts with its service token as the first
// string segment of an [keys.Key], so the services never collide in one
// store. The registry keeps a namespace at
//
//	keys.New(service, "namespace").Str(name)
//
// ([Registry.Key]), as JSON (name, description, logSetting, settings,
// createdAt, updatedAt, revision; the GRN is derived on read from the
// registry's region and owner). Listing by name prefix is a scan of
// [Prefix](service).StrPrefix(namePrefix). A service keeps its own records
// under keys.New(service, kind).Str(namespace)... (e.g. keys.New("lock",
// "mutex").Str(ns).Str(userID)), so that OnDelete deletes a namespace's
// records with prefix scans.
//
// # Errors
//
// Errors match errs.ErrInvalidArgument (a validation error, an
// *errs.FieldError naming the field: "name" on Create, "namespaceName"
// elsewhere, "description", "logSetting.loggingNamespaceId", "namePrefix",
// "limit", "pageToken", or the settings' own fields), errs.ErrNotFound,
// errs.ErrAlreadyExists or errs.ErrConflict (contention that outlasted the
// retries) with errors.Is, wrapped with the service and the operation:
// "lock: create namespace: name: ...". A failed call changes nothing.
//
// # Time
//
// CreatedAt and UpdatedAt are Unix milliseconds from the configured clock,
// shifted by clock.WithOffset in the call's context. Each call takes "now"
// once, before its transaction.
//
// # Concurrency
//
// A Registry is safe for concurrent use. Every write is one store
// transaction, retried on conflict (store.UpdateRetry): of concurrent
// creates of one name exactly one succeeds; concurrent updates each bump
// the revision once; a service transaction that read the namespace with
// GetTxn conflicts with a concurrent delete or update and is retried.
// The hooks may therefore run more than once per call and must have no
// side effects outside the transaction.
package namespace
