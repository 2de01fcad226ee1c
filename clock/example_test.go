package clock_test

import (
	"context"
	"fmt"
	"time"

	"github.com/hearth-go/hearth/clock"
)

func ExampleMock() {
	mock := clock.NewMock()
	done := make(chan struct{})
	go func() {
		mock.Sleep(time.Minute)
		close(done)
	}()
	mock.BlockUntil(1) // the sleeper has armed its timer
	mock.Add(time.Minute)
	<-done
	fmt.Println(mock.Now().Format(time.RFC3339))
	// Output: 2024-01-01T00:01:00Z
}

func ExampleWithOffset() {
	mock := clock.NewMock()
	tomorrow := clock.WithOffset(context.Background(), 24*time.Hour)
	fmt.Println(clock.Now(tomorrow, mock).Format(time.DateOnly))
	fmt.Println(mock.Now().Format(time.DateOnly))
	// Output:
	// 2024-01-02
	// 2024-01-01
}
