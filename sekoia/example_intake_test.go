package sekoia_test

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
)

// Push events to an HTTP intake. Each event arrives byte for byte; the ids
// come back in the order of the events.
func ExampleIntake_Push() {
	srv, err := sekoiatest.Start() // real code: sekoia.NewIntake(key, sekoia.WithRegion(sekoia.FRA1))
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	in, err := sekoia.NewIntake(srv.IntakeKey(), sekoia.WithIntakeURL(srv.IntakeURL()))
	if err != nil {
		panic(err)
	}
	events := [][]byte{
		[]byte(`{"event":{"action":"logon"},"user":{"name":"joe"}}`),
		[]byte(`{"event":{"action":"logoff"},"user":{"name":"joe"}, "big": 123456789012345678901234567890}`),
	}
	ids, err := in.Push(context.Background(), events)
	if err != nil {
		fmt.Println("push:", err)
		return
	}
	fmt.Println(len(ids), "events accepted")
	for _, ev := range srv.Received() {
		fmt.Println(string(ev))
	}
	// Output:
	// 2 events accepted
	// {"event":{"action":"logon"},"user":{"name":"joe"}}
	// {"event":{"action":"logoff"},"user":{"name":"joe"}, "big": 123456789012345678901234567890}
}

// Stream events into a batching writer; Flush returns once everything
// written so far is accepted, so a collector saves its checkpoint after it.
func ExampleIntake_NewWriter() {
	srv, err := sekoiatest.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	in, err := sekoia.NewIntake(srv.IntakeKey(), sekoia.WithIntakeURL(srv.IntakeURL()))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	w := in.NewWriter(sekoia.WriterOptions{MaxEvents: 500, MaxAge: 2 * time.Second})
	for i := range 1200 {
		if err := w.Write(ctx, fmt.Appendf(nil, `{"seq":%d}`, i)); err != nil {
			fmt.Println("write:", err)
			return
		}
	}
	if err := w.Flush(ctx); err != nil {
		fmt.Println("not delivered, do not checkpoint:", err)
		return
	}
	// ... save the checkpoint here ...
	if err := w.Close(ctx); err != nil {
		fmt.Println(err)
	}
	st := w.Stats()
	fmt.Println(st.Accepted, "accepted in", st.Requests, "requests")
	// Output:
	// 1200 accepted in 3 requests
}

// Send one request at a time, so that batches arrive in the order the
// events were written (by default DefaultIntakeParallelism requests are
// under way at once).
func ExampleWithIntakeParallelism() {
	srv, err := sekoiatest.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	in, err := sekoia.NewIntake(srv.IntakeKey(), sekoia.WithIntakeURL(srv.IntakeURL()), sekoia.WithIntakeParallelism(1))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	w := in.NewWriter(sekoia.WriterOptions{MaxEvents: 2})
	for i := range 5 {
		if err := w.Write(ctx, fmt.Appendf(nil, `{"seq":%d}`, i)); err != nil {
			fmt.Println("write:", err)
			return
		}
	}
	if err := w.Close(ctx); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(bytes.Join(srv.Received(), []byte(" "))))
	fmt.Println(w.Stats().Requests, "requests")
	// Output:
	// {"seq":0} {"seq":1} {"seq":2} {"seq":3} {"seq":4}
	// 3 requests
}
