// Package teststore gives every Hearth test the same table of stores —
// memstore and Badger (on a temporary directory, light preset) — and the
// helpers that check a failed call changed nothing, so that "every service
// test runs against both stores" is one line in each test.
//
//	teststore.Each(t, func(t *testing.T, st store.Store) {
//		svc := newService(t, st)
//		teststore.Unchanged(t, st, func() { _, err = svc.Lock(ctx, badInput...) })
//	})
//
// It is imported by tests only.
package teststore
