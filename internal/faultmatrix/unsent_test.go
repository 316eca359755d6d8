package faultmatrix_test

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/socgo/xdr/internal/hostile"
)

// listenOnRetry passes records to next and, at the first "retrying
// request" line (logged before the backoff), calls start.
type listenOnRetry struct {
	next  slog.Handler
	start func()
}

func (h *listenOnRetry) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h *listenOnRetry) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == "retrying request" {
		h.start()
	}
	return h.next.Handle(ctx, r)
}

func (h *listenOnRetry) WithAttrs(as []slog.Attr) slog.Handler {
	return &listenOnRetry{next: h.next.WithAttrs(as), start: h.start}
}

func (h *listenOnRetry) WithGroup(name string) slog.Handler {
	return &listenOnRetry{next: h.next.WithGroup(name), start: h.start}
}

// TestConnectionRefusedOnce runs every call of the matrix, writes
// included, against a port where nothing listens until the client logs
// its first retry: a request that never left is sent again, and the server
// gets every write once.
func TestConnectionRefusedOnce(t *testing.T) {
	t.Parallel()
	for _, tg := range targets() {
		t.Run(tg.name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int64
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				tg.ok(w, r)
			}))
			defer srv.Close()
			// The port of a listener just closed: connections to it are
			// refused until srv listens on it.
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := ln.Addr().String()
			_ = ln.Close()
			var once sync.Once
			var listenErr error
			start := func() {
				once.Do(func() {
					l, err := net.Listen("tcp", addr)
					if err != nil {
						listenErr = err
						return
					}
					_ = srv.Listener.Close()
					srv.Listener = l
					srv.Start()
				})
			}
			logs := &hostile.LogBuffer{}
			log := slog.New(&listenOnRetry{next: slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}), start: start})
			err = tg.call(t.Context(), "http://"+addr, log)
			if listenErr != nil {
				t.Fatalf("listen again on %s: %v (the port was taken in between)", addr, listenErr)
			}
			if err != nil {
				t.Fatalf("err %v, want success after the refused connection\nlogs:\n%s", err, logs.String())
			}
			if tg.kind != read && n.Load() != 1 {
				t.Errorf("the server got %d requests, want the write once", n.Load())
			}
			if out := logs.String(); !strings.Contains(out, "connection refused") || strings.Count(out, "retrying request") != 1 {
				t.Errorf("want one Warn line for the refused connection:\n%s", out)
			}
			for _, l := range hostile.Leaks(err, map[string]string{"log": logs.String()}, tg.secrets...) {
				t.Error(l)
			}
		})
	}
}
