package badgerstore

import (
	"time"

	badger "github.com/dgraph-io/badger/v4"
)

// gcDiscardRatio is the share of garbage a value-log file must hold for
// the collector to rewrite it.
const gcDiscardRatio = 0.5

// gcLoop runs Badger's value-log garbage collector every interval: each
// pass calls RunValueLogGC until it reports that nothing was rewritten (or
// any other error). Badger reclaims the space of overwritten and deleted
// values in the value log only this way.
type gcLoop struct {
	quit chan struct{}
	done chan struct{}
}

// startGC starts the loop; pass, if set, is called after each pass with
// the error that ended it.
func startGC(db *badger.DB, interval time.Duration, pass func(error)) *gcLoop {
	g := &gcLoop{quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(g.done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-g.quit:
				return
			case <-tick.C:
			}
			var err error
			for err == nil {
				select {
				case <-g.quit:
					return
				default:
				}
				err = db.RunValueLogGC(gcDiscardRatio)
			}
			if pass != nil {
				pass(err)
			}
		}
	}()
	return g
}

// stop ends the loop and waits for it; a pass in progress finishes first.
func (g *gcLoop) stop() {
	close(g.quit)
	<-g.done
}
