// Command tehtris-isolate-host isolates an EDR endpoint from the network
// by its host name (the agent keeps talking to its appliance), then prints
// its isolation status until it is isolated. Without -yes it only finds
// the host and shows what it would do.
//
//	TEHTRIS_TENANT=abc TEHTRIS_API_KEY=... go run ./examples/tehtris-isolate-host WS-HR-07
//	TEHTRIS_TENANT=abc TEHTRIS_API_KEY=... go run ./examples/tehtris-isolate-host -yes WS-HR-07
//
// TEHTRIS_BASE_URL gives the full API base of an on-premise platform
// instead of TEHTRIS_TENANT. A host name that matches several endpoints
// (a re-installed agent keeps its name under a new UUID) is refused. With
// -persist (the default) an order for an offline agent is queued until it
// reconnects.
//
// Without TEHTRIS_API_KEY it runs against a fake platform holding a few
// hosts: WS-HR-07 (offline, back after 3 seconds), WS-HR-070, and DB-1
// twice.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/socgo/xdr/tehtris"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("tehtris-isolate-host", flag.ContinueOnError)
	fs.SetOutput(stderr)
	yes := fs.Bool("yes", false, "really isolate (otherwise only show what would be done)")
	hard := fs.Bool("hard", false, "hard isolation (at once) instead of the policy's soft isolation")
	persist := fs.Bool("persist", true, "queue the order when the agent is offline")
	wait := fs.Duration("wait", 2*time.Minute, "how long to print the status until the host is isolated (0: do not wait)")
	every := fs.Duration("every", 2*time.Second, "time between two status reads")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: tehtris-isolate-host [-yes] [-hard] [-persist=false] [-wait 2m] HOSTNAME")
	}
	name := fs.Arg(0)

	c, cleanup, err := client(stderr) // the real platform or a fake: see demo.go
	if err != nil {
		return err
	}
	defer cleanup()

	h, err := c.Inventory.FindByName(ctx, name)
	var amb *tehtris.AmbiguousHostError
	switch {
	case errors.As(err, &amb):
		for _, h := range amb.Hosts {
			fmt.Fprintf(stdout, "  %s  uuid=%s appliance=%d last seen %s\n", h.Hostname, h.UUID, h.ApplianceID, h.LastSeen.Format(time.RFC3339))
		}
		return fmt.Errorf("%d endpoints are named %q: refusing to guess", len(amb.Hosts), name)
	case err != nil:
		return err
	}
	ep := h.Endpoint()
	isolated, err := c.Endpoints.Isolated(ctx, ep)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "host %s.%s (agent %s on appliance %d, %s) isolated: %v\n", h.Hostname, h.Domain, h.UUID, h.ApplianceID, h.LocalIP, isolated)
	if isolated {
		fmt.Fprintln(stdout, "nothing to do")
		return nil
	}
	opts := &tehtris.IsolationOptions{Persist: *persist, Power: tehtris.PowerSoft}
	if *hard {
		opts.Power = tehtris.PowerHard
	}
	if !*yes {
		fmt.Fprintf(stdout, "would send: POST /edr/v2/live/%s/isolation?isolationAction=enable&power=%s&persist=%v\n", ep, opts.Power, opts.Persist)
		fmt.Fprintln(stdout, "run again with -yes to do it")
		return nil
	}
	// One call: the lookup again (the inventory may have changed since),
	// then the order; an ambiguous name is refused before any order.
	_, res, err := c.Endpoints.IsolateHost(ctx, name, opts)
	if err != nil {
		return err
	}
	if res.Queued {
		fmt.Fprintln(stdout, "agent offline: isolation queued until it reconnects (202)")
	} else {
		fmt.Fprintf(stdout, "isolation applied (%d)\n", res.StatusCode)
	}
	if *wait <= 0 {
		return nil
	}
	return waitIsolated(ctx, c, ep, *wait, *every, stdout)
}

// waitIsolated prints the isolation status of ep until it is isolated.
func waitIsolated(ctx context.Context, c *tehtris.Client, ep tehtris.Endpoint, limit, every time.Duration, stdout io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	for {
		isolated, err := c.Endpoints.Isolated(ctx, ep)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s isolated: %v\n", time.Now().Format(time.TimeOnly), isolated)
		if isolated {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not isolated after %s (a queued order runs when the agent reconnects)", limit)
		case <-time.After(every):
		}
	}
}
