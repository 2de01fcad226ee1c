package page

import (
	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/store"
)

// Collect fills one page of the listing over prefix: it resumes at token
// ("" for the first page), scans forward and calls decode for each record
// until it holds limit kept items.
//
// decode returns the item, whether to keep it (false skips the record, e.g.
// an expired one, without counting it) and an error that stops Collect and
// is returned as is. The key and value passed to decode are valid only
// during the call: copy what the item keeps (string conversion and
// json.Unmarshal copy).
//
// nextToken resumes at the next record decode keeps, or is "" when there is
// none: Collect calls decode on records past the page until it finds one to
// keep, so a last page never ends with a token to an empty page.
//
// A limit below 1 is an *errs.FieldError for "limit"; services apply their
// default before calling. A bad token is an *errs.FieldError for
// "pageToken".
func Collect[T any](txn store.Txn, prefix []byte, token string, limit int,
	decode func(key, value []byte) (item T, keep bool, err error),
) (items []T, nextToken string, err error) {
	if limit < 1 {
		return nil, "", errs.Invalidf("limit", "must be at least %d", 1)
	}
	start, err := Decode(prefix, token)
	if err != nil {
		return nil, "", err
	}
	items = make([]T, 0, min(limit, 64))
	var decodeErr error
	err = txn.Scan(prefix, store.ScanOptions{Start: start}, func(k, v []byte) bool {
		item, keep, derr := decode(k, v)
		switch {
		case derr != nil:
			decodeErr = derr
			return false
		case !keep:
			return true
		case len(items) == limit:
			nextToken = Encode(prefix, k) // copies k
			return false
		}
		items = append(items, item)
		return true
	})
	if err == nil {
		err = decodeErr
	}
	if err != nil {
		return nil, "", err
	}
	return items, nextToken, nil
}
