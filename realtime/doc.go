// Package realtime is Hearth's GS2-Realtime: rooms whose servers are
// provisioned asynchronously, with a Gs2Realtime:Create notification to
// the room's users once a room has its address.
//
//	svc, _ := realtime.New(st, &realtime.Config{Provisioner: p, Notifier: gw})
//	svc.CreateNamespace(ctx, realtime.CreateNamespaceInput{Name: "game"})
//	room, _ := svc.WantRoom(ctx, "game", "", []string{"alice", "bob"}) // returns at once
//	// ... later: svc.GetRoom(ctx, "game", room.Name) has IPAddress, Port, EncryptionKey
//
// # GS2 methods
//
// Namespaces (with serverType "relay", serverSpec "realtime1.nano",
// createNotification, logSetting and transactionSetting): CreateNamespace,
// GetNamespace, GetNamespaceStatus, UpdateNamespace, DeleteNamespace
// (deletes and releases its rooms), DescribeNamespaces. Rooms: WantRoom,
// GetRoom, DescribeRooms, DeleteRoom. Now and GetServiceVersion.
//
// # Provisioning
//
// WantRoom stores the room with status PROVISIONING and no address, and
// returns. On its own goroutine the service then calls
// [Provisioner.Provision]; its outcome is stored in one transaction, only
// if the room still exists as the room it was started for and is still
// PROVISIONING: READY with the endpoint (then every notification user gets
// Gs2Realtime:Create with {"namespaceName","roomName"}, when the
// namespace's createNotification is set and enabled), or FAILED with
// FailureReason (logged). A DeleteRoom during provisioning wins: the
// Provision's context is cancelled and an endpoint it returns anyway is
// released. A room that ends by itself (the provisioner calls
// ProvisionRequest.Ended) is deleted. realtime/relay has the default,
// in-process Provisioner.
//
// Start re-provisions the rooms a previous process left PROVISIONING.
// Stop waits for provisioning in flight and releases nothing; rooms
// survive a restart only in the store.
//
// # Errors
//
// Errors match [ErrInvalidArgument] (validation: the message names the
// field and the rule, e.g. "roomName: longer than 128 characters"),
// [ErrNotFound], [ErrAlreadyExists] or [ErrConflict] with errors.Is, and are
// prefixed with the operation ("realtime: want room: ..."). A failed call
// changes nothing. WantRoom after Stop returns [ErrStopped]. Provisioning,
// release and notification errors never fail a call: they are logged.
//
// # Time
//
// Timestamps are Unix milliseconds from Config.Clock, shifted by
// clock.WithOffset in the context. The room limits (IdleTimeout,
// MaxLifetime) are handed to the Provisioner, which enforces them.
//
// # User data
//
// Realtime keeps no data of a user: a room belongs to its namespace, and
// its notification user IDs are only who was told it exists (GS2-Realtime
// has no user data API either). So the package has no Dump, Clean or
// Import; rooms go with DeleteRoom or DeleteNamespace.
//
// # Concurrency
//
// A Service is safe for concurrent use. Provision runs on a goroutine per
// room; Ended may be called from any goroutine.
package realtime
