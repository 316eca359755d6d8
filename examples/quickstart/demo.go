package main

// This file is the tour's scaffolding: each section's client is the real
// service when its credentials are set, and an in-process fake, started and
// seeded here, otherwise. The sections are in sekoia.go, tehtris.go and
// sentinelone.go.

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/sentinelone/sentinelonetest"
	"github.com/socgo/xdr/tehtris"
	"github.com/socgo/xdr/tehtris/tehtristest"
)

// sink is where the forwarding sections push events: a Sekoia.io HTTP
// intake.
type sink struct {
	in     *sekoia.Intake
	fake   *sekoiatest.Server // nil for the real intake
	pushed int
}

// newSink returns the real intake only when SEKOIA_INTAKE_KEY is set and
// SEKOIA_QUICKSTART_WRITES=1 (pushing writes to the workspace), and a local
// fake intake otherwise.
func newSink() (*sink, error) {
	key := os.Getenv("SEKOIA_INTAKE_KEY")
	if key != "" && os.Getenv("SEKOIA_QUICKSTART_WRITES") == "1" {
		opts := []sekoia.Option{sekoia.WithUserAgent("socgo-quickstart")}
		if u := os.Getenv("SEKOIA_INTAKE_URL"); u != "" {
			opts = append(opts, sekoia.WithIntakeURL(u))
		}
		in, err := sekoia.NewIntake(key, opts...)
		if err != nil {
			return nil, err
		}
		fmt.Printf("(pushing to the real intake %s)\n", in.URL())
		return &sink{in: in}, nil
	}
	if key != "" {
		fmt.Println("(SEKOIA_INTAKE_KEY is set but SEKOIA_QUICKSTART_WRITES is not 1: pushing to a local fake intake)")
	}
	srv, err := sekoiatest.Start()
	if err != nil {
		return nil, err
	}
	in, err := sekoia.NewIntake(srv.IntakeKey(), sekoia.WithIntakeURL(srv.IntakeURL()))
	if err != nil {
		srv.Close()
		return nil, err
	}
	return &sink{in: in, fake: srv}, nil
}

// push sends the exact bytes of each event; the intake answers one id per
// event.
func (s *sink) push(ctx context.Context, raws [][]byte) error {
	ids, err := s.in.Push(ctx, raws)
	s.pushed += len(ids)
	return err
}

func (s *sink) close() {
	if s.fake != nil {
		s.fake.Close()
	}
}

// sekoiaClient returns a client on the real API when SEKOIA_API_KEY is set,
// and on a seeded in-process fake otherwise.
func sekoiaClient() (c *sekoia.Client, live bool, done func(), err error) {
	if key := os.Getenv("SEKOIA_API_KEY"); key != "" {
		region, err := sekoia.ParseRegion(os.Getenv("SEKOIA_REGION"))
		if err != nil {
			return nil, false, nil, err
		}
		c, err := sekoia.NewClient(key, sekoia.WithRegion(region), sekoia.WithUserAgent("socgo-quickstart"))
		return c, true, func() {}, err
	}
	srv, err := sekoiatest.Start()
	if err != nil {
		return nil, false, nil, err
	}
	srv.SeedAlerts(1000)
	srv.AddAsset(sekoia.Asset{Name: "fileserver", Type: sekoia.AssetHost, Criticality: ptr(70), Atoms: sekoia.Atoms{"hostname": {"fs01"}}})
	srv.AddAsset(sekoia.Asset{Name: "jdoe", Type: sekoia.AssetAccount, Criticality: ptr(40), Atoms: sekoia.Atoms{"email": {"jdoe@example.com"}}})
	srv.AddAsset(sekoia.Asset{Name: "dmz", Type: sekoia.AssetNetwork, Criticality: ptr(60), Atoms: sekoia.Atoms{"cidrv4": {"192.0.2.0/24"}}})
	c, err = srv.Client()
	if err != nil {
		srv.Close()
		return nil, false, nil, err
	}
	fmt.Printf("(no SEKOIA_API_KEY: using a local fake Sekoia.io at %s)\n\n", srv.URL())
	return c, false, srv.Close, nil
}

// tehtrisClient returns a client of the real platform when TEHTRIS_TENANT
// and TEHTRIS_API_KEY are set (the tour only reads events there), and of a
// local fake holding a few hundred events otherwise.
func tehtrisClient() (*tehtris.Client, *tehtristest.Server, error) {
	tenant, key := os.Getenv("TEHTRIS_TENANT"), os.Getenv("TEHTRIS_API_KEY")
	if tenant != "" && key != "" {
		c, err := tehtris.NewClient(tenant, key, tehtris.WithUserAgent("socgo-quickstart"))
		return c, nil, err
	}
	srv, err := tehtristest.Start()
	if err != nil {
		return nil, nil, err
	}
	now := srv.Now()
	srv.SeedEventsAt(120, now.Add(-7*time.Minute))
	srv.SeedEventsAt(80, now.Add(-3*time.Minute))
	srv.SeedEventsAt(50, now.Add(-20*time.Minute)) // before the collector's start
	c, err := srv.Client()
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	fmt.Printf("(no TEHTRIS_TENANT/TEHTRIS_API_KEY: using a local fake TEHTRIS platform holding %d events)\n", srv.Len())
	return c, srv, nil
}

// sentinelOneClient returns a client of the real console when
// S1_CONSOLE_URL and S1_API_TOKEN are set (the tour only reads there), and
// of a local fake console with some activities and threats otherwise.
func sentinelOneClient() (*sentinelone.Client, func(), error) {
	console, token := os.Getenv("S1_CONSOLE_URL"), os.Getenv("S1_API_TOKEN")
	if console != "" && token != "" {
		c, err := sentinelone.NewClient(console, token, sentinelone.WithUserAgent("socgo-quickstart"))
		return c, func() {}, err
	}
	srv, err := sentinelonetest.Start()
	if err != nil {
		return nil, nil, err
	}
	now := srv.Now()
	for i := range 6 {
		srv.SeedActivitiesAt(40, now.Add(-time.Duration(100-15*i)*time.Minute)) // the first two are over an hour old
	}
	srv.AddThreat("invoice.pdf.exe", now.Add(-50*time.Minute), "1681212101432395267")
	srv.AddThreat("mimikatz.exe", now.Add(-20*time.Minute), "1681212101432395267")
	srv.AddThreat("updater.dll", now.Add(-5*time.Minute), "1681212101432395268")
	c, err := srv.Client()
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	fmt.Printf("(no S1_CONSOLE_URL/S1_API_TOKEN: using a local fake console at %s)\n\n", srv.URL())
	return c, srv.Close, nil
}
