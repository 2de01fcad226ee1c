package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/store"
)

// The game's own records live in the same store as Hearth's, under the
// prefix "gameserver/" (Hearth's keys never start with a printable
// character). Each change is one store transaction, like the services'.
const (
	playerPrefix = "gameserver/player/"
	walletPrefix = "gameserver/wallet/"
	jobPrefix    = "gameserver/job/"
)

// errUnknownPlayer is returned for a player who never logged in.
var errUnknownPlayer = errors.New("unknown player")

// player is a player's record.
type player struct {
	Name      string `json:"name"`
	CreatedAt int64  `json:"createdAt"`
}

// wallet is a player's coins. Fencing is the highest fencing token of the
// wallet lock a credit was made under: a credit under a lower one (a job
// whose lock expired and was taken over) is refused. Credited lists the
// jobs already paid, so that a job run twice (at least once) pays once.
type wallet struct {
	Coins    int64    `json:"coins"`
	Fencing  uint64   `json:"fencing"`
	Credited []string `json:"credited,omitempty"`
}

// maxCredited bounds the list of jobs a wallet remembers as paid.
const maxCredited = 256

// ledger reads and writes the game's records.
type ledger struct {
	st  store.Store
	clk clock.Clock
}

// login creates the player if new.
func (l *ledger) login(ctx context.Context, name string) error {
	key := []byte(playerPrefix + name)
	return l.st.Update(ctx, func(tx store.Txn) error {
		if _, err := tx.Get(key); err == nil {
			return nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		b, _ := json.Marshal(player{Name: name, CreatedAt: l.clk.Now().UnixMilli()})
		return tx.Set(key, b)
	})
}

// exists reports whether the player has logged in once.
func (l *ledger) exists(ctx context.Context, name string) (bool, error) {
	err := l.st.View(ctx, func(tx store.Txn) error {
		_, err := tx.Get([]byte(playerPrefix + name))
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// players returns every player's name, sorted.
func (l *ledger) players(ctx context.Context) ([]string, error) {
	var names []string
	err := l.st.View(ctx, func(tx store.Txn) error {
		return tx.Scan([]byte(playerPrefix), store.ScanOptions{}, func(k, _ []byte) bool {
			names = append(names, strings.TrimPrefix(string(k), playerPrefix))
			return true
		})
	})
	return names, err
}

// coins returns the player's balance.
func (l *ledger) coins(ctx context.Context, name string) (int64, error) {
	var w wallet
	err := l.st.View(ctx, func(tx store.Txn) error {
		var err error
		w, err = getWallet(tx, name)
		return err
	})
	return w.Coins, err
}

// errStaleFencing refuses a credit made under a lock that was lost.
var errStaleFencing = errors.New("the wallet lock was taken over (stale fencing token)")

// credit adds coins for job, once, under the wallet lock's fencing token,
// and returns the new balance.
func (l *ledger) credit(ctx context.Context, name, job string, coins int64, fencing uint64) (int64, error) {
	var balance int64
	err := l.st.Update(ctx, func(tx store.Txn) error {
		w, err := getWallet(tx, name)
		if err != nil {
			return err
		}
		if fencing < w.Fencing {
			return errStaleFencing
		}
		w.Fencing = fencing
		if !slices.Contains(w.Credited, job) {
			w.Coins += coins
			w.Credited = append(w.Credited, job)
			if len(w.Credited) > maxCredited {
				w.Credited = w.Credited[len(w.Credited)-maxCredited:]
			}
		}
		balance = w.Coins
		b, _ := json.Marshal(w)
		return tx.Set([]byte(walletPrefix+name), b)
	})
	return balance, err
}

func getWallet(tx store.Txn, name string) (wallet, error) {
	var w wallet
	b, err := tx.Get([]byte(walletPrefix + name))
	if errors.Is(err, store.ErrNotFound) {
		return w, nil
	}
	if err != nil {
		return w, err
	}
	return w, json.Unmarshal(b, &w)
}

// jobRef is a job the player pushed, for listing its results.
type jobRef struct {
	Name      string `json:"name"`
	CreatedAt int64  `json:"createdAt"`
}

// addJobs records pushed jobs.
func (l *ledger) addJobs(ctx context.Context, name string, refs []jobRef) error {
	return l.st.Update(ctx, func(tx store.Txn) error {
		for _, r := range refs {
			b, _ := json.Marshal(r)
			if err := tx.Set([]byte(jobPrefix+name+"/"+r.Name), b); err != nil {
				return err
			}
		}
		return nil
	})
}

// recentJobs returns the player's n most recently pushed jobs, newest
// first.
func (l *ledger) recentJobs(ctx context.Context, name string, n int) ([]jobRef, error) {
	var refs []jobRef
	err := l.st.View(ctx, func(tx store.Txn) error {
		return tx.Scan([]byte(jobPrefix+name+"/"), store.ScanOptions{}, func(_, v []byte) bool {
			var r jobRef
			if json.Unmarshal(v, &r) == nil {
				refs = append(refs, r)
			}
			return true
		})
	})
	slices.SortFunc(refs, func(a, b jobRef) int {
		return cmp.Or(cmp.Compare(b.CreatedAt, a.CreatedAt), strings.Compare(a.Name, b.Name))
	})
	if len(refs) > n {
		refs = refs[:n]
	}
	return refs, err
}
