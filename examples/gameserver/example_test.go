package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/hearth-go/hearth/jobqueue"
	"github.com/hearth-go/hearth/store/memstore"
)

// Example runs the game server in memory behind an httptest server: a
// player logs in, pushes a reward job, and is paid once the job has run in
// the background under the wallet lock.
func Example() {
	ctx := context.Background()
	st := memstore.New(nil)
	defer st.Close()
	a, err := newApp(config{Store: st})
	if err != nil {
		panic(err)
	}
	if err := a.start(ctx); err != nil {
		panic(err)
	}
	srv := httptest.NewServer(a.mux)
	defer func() { srv.Close(); _ = a.stop(ctx) }()

	post := func(path, token, body string) map[string]any {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		defer res.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(res.Body).Decode(&out)
		return out
	}
	finished, cancel := a.jobs.Subscribe(jobqueue.EventSucceeded)
	defer cancel()

	token := post("/api/login", "", `{"player":"alice"}`)["token"].(string)
	post("/api/jobs", token, `{"coins":5}`)
	<-finished // the job ran on a worker

	coins, _ := a.ledger.coins(ctx, "alice")
	fmt.Println("alice has", coins, "coins")
	// Output: alice has 5 coins
}
