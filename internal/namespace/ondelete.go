package namespace

import (
	"bytes"

	"github.com/hearth-go/hearth/store"
)

// DeletePrefixes deletes every key under each of prefixes in txn: what a
// service's OnDelete hook does with the key ranges it keeps under a
// namespace. The keys are collected first and deleted after each scan, as
// a Txn must not be written while a Scan runs.
func DeletePrefixes(txn store.Txn, prefixes ...[]byte) error {
	for _, prefix := range prefixes {
		var ks [][]byte
		err := txn.Scan(prefix, store.ScanOptions{}, func(k, _ []byte) bool {
			ks = append(ks, bytes.Clone(k))
			return true
		})
		if err != nil {
			return err
		}
		for _, k := range ks {
			if err := txn.Delete(k); err != nil {
				return err
			}
		}
	}
	return nil
}
