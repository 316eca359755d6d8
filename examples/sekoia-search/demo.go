package main

// This file is the demo's scaffolding: it chooses between the real API and
// an in-process fake from the environment, and starts and seeds the fake.
// The recipe is in main.go.

import (
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
)

// client returns a client on the real API when SEKOIA_API_KEY is set, else
// on a fake server holding demo events.
func client(logger *slog.Logger) (*sekoia.Client, func(), error) {
	if key := os.Getenv("SEKOIA_API_KEY"); key != "" {
		opts := []sekoia.Option{sekoia.WithLogger(logger)}
		if u := os.Getenv("SEKOIA_BASE_URL"); u != "" {
			opts = append(opts, sekoia.WithBaseURL(u))
		} else {
			r, err := sekoia.ParseRegion(os.Getenv("SEKOIA_REGION"))
			if err != nil {
				return nil, nil, err
			}
			opts = append(opts, sekoia.WithRegion(r))
		}
		c, err := sekoia.NewClient(key, opts...)
		return c, func() {}, err
	}
	logger.Info("SEKOIA_API_KEY not set: searching the in-memory fake")
	srv, err := sekoiatest.Start()
	if err != nil {
		return nil, nil, err
	}
	now := time.Now().UTC()
	for i := range 5 {
		ev := fmt.Appendf(nil, `{"timestamp":%q,"host.name":"laptop-%d","process.name":"powershell.exe","user.name":"demo"}`,
			now.Add(-time.Duration(i)*time.Minute).Format(time.RFC3339), i)
		if err := srv.AddEvents(ev); err != nil {
			srv.Close()
			return nil, nil, err
		}
	}
	c, err := srv.Client(sekoia.WithLogger(logger))
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	return c, srv.Close, nil
}
