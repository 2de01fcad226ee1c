package storetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/hearth-go/hearth/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func scanCases() []testCase {
	return []testCase{
		{"Order", testScanOrder},
		{"PrefixBounds", testScanPrefixBounds},
		{"PrefixEndingInFF", testScanPrefixFF},
		{"EmptyPrefix", testScanEmptyPrefix},
		{"Start", testScanStart},
		{"PagingForward", testScanPagingForward},
		{"PagingReverse", testScanPagingReverse},
		{"StopEarly", testScanStopEarly},
		{"MergesPendingWrites", testScanMergesPending},
	}
}

// scanCase is one Scan call and the keys it must visit, in order.
type scanCase struct {
	prefix string
	opts   store.ScanOptions
	want   []string
}

// checkScans runs every scan case in a View and in an Update, comparing
// keys and (for seeded keys) values.
func checkScans(t *testing.T, s store.Store, cases []scanCase) {
	t.Helper()
	inBoth(t, s, func(t *testing.T, tx store.Txn) {
		for _, c := range cases {
			got, err := scan(tx, c.prefix, c.opts)
			if !assert.NoError(t, err, "Scan(prefix %q, Start %q, Reverse %v)", c.prefix, c.opts.Start, c.opts.Reverse) {
				continue
			}
			want := make([]kv, len(c.want))
			for i, k := range c.want {
				want[i] = kv{k, "v:" + k}
			}
			if len(want) == 0 {
				want = nil
			}
			assert.Equal(t, want, got, "Scan(prefix %q, Start %q, Reverse %v)", c.prefix, c.opts.Start, c.opts.Reverse)
		}
	})
}

// seed commits keys with values "v:"+key, in random order.
func seed(t testing.TB, s store.Store, keys ...string) {
	t.Helper()
	pairs := make([]kv, len(keys))
	for i, k := range keys {
		pairs[i] = kv{k, "v:" + k}
	}
	rand.Shuffle(len(pairs), func(i, j int) { pairs[i], pairs[j] = pairs[j], pairs[i] })
	put(t, s, pairs...)
}

// fwd and rev build ScanOptions tersely; a nil start means none.
func fwd(start string) store.ScanOptions { return store.ScanOptions{Start: startBytes(start)} }
func rev(start string) store.ScanOptions {
	return store.ScanOptions{Start: startBytes(start), Reverse: true}
}

// startBytes maps "" to a nil Start.
func startBytes(s string) []byte {
	if s == "" {
		return nil
	}
	return b(s)
}

// testScanOrder: Scan visits random binary keys in ascending bytewise order,
// and in descending order with Reverse.
func testScanOrder(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	r := rand.New(rand.NewPCG(rand.Uint64(), 1))
	set := map[string]bool{}
	for len(set) < 200 {
		k := make([]byte, 1+r.IntN(6))
		for i := range k {
			k[i] = []byte{0x00, 0x01, 'a', 'b', 0x7f, 0x80, 0xfe, 0xff}[r.IntN(8)]
		}
		set[string(k)] = true
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	seed(t, s, keys...)
	slices.Sort(keys)
	checkScans(t, s, []scanCase{
		{"", fwd(""), keys},
		{"", rev(""), reversed(keys)},
	})
}

// testScanPrefixBounds: only keys starting with the prefix are visited, even
// with neighbours just outside both ends of the range.
func testScanPrefixBounds(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	seed(t, s, "a", "aa\xff", "ab", "ab\x00", "ab\xff\xff", "ac", "b")
	ab := []string{"ab", "ab\x00", "ab\xff\xff"}
	checkScans(t, s, []scanCase{
		{"ab", fwd(""), ab},
		{"ab", rev(""), reversed(ab)},
		{"ab\xff", fwd(""), []string{"ab\xff\xff"}},
		{"ab\xff", rev(""), []string{"ab\xff\xff"}},
		{"ab\x00", fwd(""), []string{"ab\x00"}},
		{"aa", rev(""), []string{"aa\xff"}},
		{"ac", fwd(""), []string{"ac"}},
		{"abc", fwd(""), nil},
		{"abc", rev(""), nil},
		{"a", fwd(""), []string{"a", "aa\xff", "ab", "ab\x00", "ab\xff\xff", "ac"}},
		{"a", rev(""), []string{"ac", "ab\xff\xff", "ab\x00", "ab", "aa\xff", "a"}},
		{"c", fwd(""), nil},
		{"c", rev(""), nil},
	})
}

// testScanPrefixFF: prefixes ending in 0xff bytes (whose upper bound cannot
// be computed by incrementing the last byte) scan correctly both ways, with
// and without Start.
func testScanPrefixFF(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	seed(t, s, "\xfe", "\xfe\xff", "\xff", "\xff\x00", "\xff\xff", "\xff\xff\xff", "x\xff", "x\xff\xff", "y")
	ff := []string{"\xff", "\xff\x00", "\xff\xff", "\xff\xff\xff"}
	checkScans(t, s, []scanCase{
		{"\xff", fwd(""), ff},
		{"\xff", rev(""), reversed(ff)},
		{"\xff\xff", fwd(""), []string{"\xff\xff", "\xff\xff\xff"}},
		{"\xff\xff", rev(""), []string{"\xff\xff\xff", "\xff\xff"}},
		{"\xff\xff\xff", rev(""), []string{"\xff\xff\xff"}},
		{"\xfe", rev(""), []string{"\xfe\xff", "\xfe"}},
		{"x\xff", rev(""), []string{"x\xff\xff", "x\xff"}},
		{"x\xff", fwd(""), []string{"x\xff", "x\xff\xff"}},
		{"\xff", rev("\xff\xff"), []string{"\xff\xff", "\xff\x00", "\xff"}},
		{"\xff", rev("\xff\xff\xff\xff"), reversed(ff)},
		{"\xff", rev("\xff\x01"), []string{"\xff\x00", "\xff"}},
		{"\xff", fwd("\xff\x01"), []string{"\xff\xff", "\xff\xff\xff"}},
		{"x\xff", rev("x\xff\xff\xff"), []string{"x\xff\xff", "x\xff"}},
		{"\xff\xff\xff\xff", rev(""), nil},
	})
}

// testScanEmptyPrefix: an empty prefix scans the whole store, both ways,
// with and without Start.
func testScanEmptyPrefix(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	all := []string{"\x00", "\x00\xff", "a", "m", "m\x00", "z", "\xff", "\xff\xff"}
	seed(t, s, all...)
	checkScans(t, s, []scanCase{
		{"", fwd(""), all},
		{"", rev(""), reversed(all)},
		{"", fwd("m"), []string{"m", "m\x00", "z", "\xff", "\xff\xff"}},
		{"", rev("m"), []string{"m", "a", "\x00\xff", "\x00"}},
		{"", fwd("n"), []string{"z", "\xff", "\xff\xff"}},
		{"", rev("n"), []string{"m\x00", "m", "a", "\x00\xff", "\x00"}},
		{"", rev("\xff\xff\xff"), reversed(all)},
		{"", fwd("\xff\xff\xff"), nil},
		{"", rev("\x00"), []string{"\x00"}},
	})
	// A non-nil empty prefix means the same as nil.
	require.NoError(t, s.View(t.Context(), func(tx store.Txn) error {
		n := 0
		err := tx.Scan([]byte{}, store.ScanOptions{}, func(_, _ []byte) bool { n++; return true })
		assert.NoError(t, err)
		assert.Equal(t, len(all), n, "Scan([]byte{}) visits every key")
		return nil
	}))
}

// testScanStart: Start is inclusive in both directions, may fall between
// keys, and may lie before or after the prefix range without widening it.
func testScanStart(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	var in []string
	for i := range 20 {
		in = append(in, fmt.Sprintf("k/%02d", i))
	}
	seed(t, s, append([]string{"j", "k", "k.", "k0", "l"}, in...)...)
	checkScans(t, s, []scanCase{
		{"k/", fwd("k/05"), in[5:]},             // inclusive, existing key
		{"k/", rev("k/05"), reversed(in[:6])},   // inclusive, existing key
		{"k/", fwd("k/055"), in[6:]},            // between keys
		{"k/", rev("k/055"), reversed(in[:6])},  // between keys
		{"k/", fwd("a"), in},                    // before the range
		{"k/", rev("a"), nil},                   // before the range
		{"k/", fwd("k"), in},                    // a proper prefix of the prefix
		{"k/", rev("k"), nil},                   //
		{"k/", fwd("z"), nil},                   // after the range
		{"k/", rev("z"), reversed(in)},          // after the range
		{"k/", fwd("k0"), nil},                  // just after the range
		{"k/", rev("k0"), reversed(in)},         //
		{"k/", rev("k/\xff"), reversed(in)},     // inside the prefix, after every key
		{"k/", fwd("k/\x00"), in},               // inside the prefix, before every key
		{"k/", fwd("k/19"), []string{"k/19"}},   // last key
		{"k/", rev("k/00"), []string{"k/00"}},   // first key
		{"k/1", rev("k/05"), nil},               // Start before a narrower prefix
		{"k/0", fwd("k/15"), nil},               // Start after a narrower prefix
		{"k/0", rev("k/15"), reversed(in[:10])}, //
		{"k/1", fwd("k/05"), in[10:]},           //
		{"k", fwd("k/19\x00"), []string{"k0"}},  // successor of a key
		{"k", rev("k/"), []string{"k.", "k"}},   // Start between "k." and "k/00"
		{"", fwd("k/19\x00"), []string{"k0", "l"}},
	})
}

// pagingKeys seeds 100 keys under "page/" (some with 0x00 or 0xff
// suffixes) among neighbours outside the prefix, and returns the 100 in
// ascending order.
func pagingKeys(t testing.TB, s store.Store) []string {
	var keys []string
	for i := range 100 {
		k := fmt.Sprintf("page/%03d", i)
		switch i % 10 {
		case 0:
			k += "\x00"
		case 5:
			k += "\xff"
		}
		keys = append(keys, k)
	}
	seed(t, s, append([]string{"pagd", "page", "page.", "page0", "pagf"}, keys...)...)
	slices.Sort(keys)
	return keys
}

// testScanPagingForward: paging 7 keys at a time, resuming at the last key
// plus 0x00, reassembles the range exactly.
func testScanPagingForward(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	want := pagingKeys(t, s)
	var got []string
	var start []byte
	pages := 0
	for pages = 1; pages <= 100; pages++ {
		var page []string
		require.NoError(t, s.View(t.Context(), func(tx store.Txn) error {
			return tx.Scan(b("page/"), store.ScanOptions{Start: start}, func(k, _ []byte) bool {
				page = append(page, string(k))
				return len(page) < 7
			})
		}))
		got = append(got, page...)
		if len(page) < 7 {
			break
		}
		start = append(b(page[len(page)-1]), 0x00)
	}
	require.Equal(t, want, got, "pages reassemble the range")
	require.Equal(t, 15, pages, "100 keys in pages of 7")
}

// testScanPagingReverse: paging backwards 7 keys at a time, resuming at the
// last key (inclusive, so it is skipped once), reassembles the range.
func testScanPagingReverse(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	want := reversed(pagingKeys(t, s))
	var got []string
	var start []byte
	for range 100 {
		var page []string
		require.NoError(t, s.View(t.Context(), func(tx store.Txn) error {
			return tx.Scan(b("page/"), store.ScanOptions{Start: start, Reverse: true}, func(k, _ []byte) bool {
				if start != nil && string(k) == string(start) {
					return true // the resume point itself, already seen
				}
				page = append(page, string(k))
				return len(page) < 7
			})
		}))
		got = append(got, page...)
		if len(page) < 7 {
			break
		}
		start = b(page[len(page)-1])
	}
	require.Equal(t, want, got, "pages reassemble the range")
}

// testScanStopEarly: Scan stops as soon as fn returns false, in both
// directions, and returns nil.
func testScanStopEarly(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	var keys []string
	for i := range 10 {
		keys = append(keys, fmt.Sprintf("s%d", i))
	}
	seed(t, s, keys...)
	inBoth(t, s, func(t *testing.T, tx store.Txn) {
		for _, reverse := range []bool{false, true} {
			for _, stopAfter := range []int{1, 3} {
				var seen []string
				err := tx.Scan(b("s"), store.ScanOptions{Reverse: reverse}, func(k, _ []byte) bool {
					seen = append(seen, string(k))
					return len(seen) < stopAfter
				})
				assert.NoError(t, err)
				want := keys[:stopAfter]
				if reverse {
					want = reversed(keys)[:stopAfter]
				}
				assert.Equal(t, want, seen, "reverse=%v, stop after %d", reverse, stopAfter)
			}
		}
	})
}

// testScanMergesPending: Scan with Start and Reverse in an Update merges
// pending inserts, overwrites and deletes with committed keys.
func testScanMergesPending(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	seed(t, s, "c1", "c3", "c5", "c7", "d")
	require.NoError(t, s.Update(t.Context(), func(tx store.Txn) error {
		if err := tx.Set(b("c2"), b("new")); err != nil {
			return err
		}
		if err := tx.Set(b("c5"), b("over")); err != nil {
			return err
		}
		if err := tx.Delete(b("c3")); err != nil {
			return err
		}
		if err := tx.Set(b("c8"), b("new")); err != nil {
			return err
		}
		if err := tx.Delete(b("c7")); err != nil {
			return err
		}
		all := []kv{{"c1", "v:c1"}, {"c2", "new"}, {"c5", "over"}, {"c8", "new"}}
		for _, c := range []struct {
			opts store.ScanOptions
			want []kv
		}{
			{fwd(""), all},
			{rev(""), reversed(all)},
			{fwd("c3"), all[2:]},
			{fwd("c2"), all[1:]},
			{rev("c7"), reversed(all[:3])},
			{rev("c5"), reversed(all[:3])},
			{rev("c4"), reversed(all[:2])},
			{fwd("c9"), nil},
		} {
			got, err := scan(tx, "c", c.opts)
			assert.NoError(t, err)
			assert.Equal(t, c.want, got, "Scan(\"c\", Start %q, Reverse %v)", c.opts.Start, c.opts.Reverse)
		}
		return nil
	}))
}
