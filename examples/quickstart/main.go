// Command quickstart is a tour of the SDK: each section shows the main
// calls of one API and prints what they return.
//
// With no credentials every section runs against an in-process fake of its
// API, so the tour takes a few seconds and needs no account:
//
//	go run ./examples/quickstart
//
// With SEKOIA_API_KEY set (and SEKOIA_REGION, default FRA1) the Sekoia.io
// section reads the real workspace; it changes nothing there unless
// SEKOIA_QUICKSTART_WRITES=1.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"time"
)

// section is one part of the tour.
type section struct {
	title string
	run   func(ctx context.Context) error
}

// tour lists the sections in the order they run.
func tour() []section {
	return []section{
		{"Sekoia.io: alerts, workflow, assets, kill chain, communities", sekoiaTour},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	failed := false
	for _, s := range tour() {
		fmt.Printf("=== %s\n\n", s.title)
		if err := s.run(ctx); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", s.title, err)
			failed = true
		}
		fmt.Println()
	}
	if failed {
		os.Exit(1)
	}
}
