package collect_test

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/socgo/xdr/checkpoint"
	"github.com/socgo/xdr/internal/collect"
)

type alert struct {
	ID   string
	Time time.Time
}

func ExampleEngine_RunOnce() {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	api := []alert{ // as an API returns them: any order
		{"42", t0.Add(1500 * time.Millisecond)},
		{"40", t0.Add(200 * time.Millisecond)},
		{"41", t0.Add(1500 * time.Millisecond)},
	}
	store := &checkpoint.Memory{}
	e, err := collect.New(collect.Config[alert]{
		Name:  "example alerts",
		Store: store,
		Key:   func(a alert) (string, time.Time) { return a.ID, a.Time },
		Fetch: func(_ context.Context, from, to time.Time) iter.Seq2[alert, error] {
			return func(yield func(alert, error) bool) {
				for _, a := range api {
					if !a.Time.Before(from) && !a.Time.After(to) && !yield(a, nil) {
						return
					}
				}
			}
		},
		Granularity: time.Second,
		Handle: func(_ context.Context, batch []alert) error {
			for _, a := range batch {
				fmt.Println("forward", a.ID, a.Time.Format(time.TimeOnly+".0"))
			}
			return nil
		},
		Start: t0,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	n, err := e.RunOnce(context.Background())
	fmt.Println("delivered", n, err)

	// A late alert inside the last granule arrives; the next cycle re-reads
	// that granule and forwards only the new one.
	api = slices.Insert(api, 0, alert{"43", t0.Add(1100 * time.Millisecond)})
	n, err = e.RunOnce(context.Background())
	fmt.Println("delivered", n, err)
	b, _ := store.Load(context.Background())
	fmt.Println(string(b))
	// Output:
	// forward 40 10:00:00.2
	// forward 41 10:00:01.5
	// forward 42 10:00:01.5
	// delivered 3 <nil>
	// forward 43 10:00:01.1
	// delivered 1 <nil>
	// {"v":1,"time":"2026-05-01T10:00:01Z","ids":["41","42","43"]}
}
