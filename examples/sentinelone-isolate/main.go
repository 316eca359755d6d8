// Command sentinelone-isolate isolates a host from the network (SentinelOne
// "disconnect"; the agent keeps talking to the console) by its computer
// name, and waits until the agent reports it. Without -yes it only shows
// what it would do.
//
//	S1_CONSOLE_URL=https://usea1-partners.sentinelone.net S1_API_TOKEN=... \
//	  go run ./examples/sentinelone-isolate -yes FINANCE-LT-042
//	go run ./examples/sentinelone-isolate -undo -yes FINANCE-LT-042   # reconnect
//
// Without S1_CONSOLE_URL it runs against a fake console holding a few
// agents (FINANCE-LT-042, HR-LT-001, SRV-DC-01).
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

	"github.com/socgo/xdr/sentinelone"
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
	fs := flag.NewFlagSet("sentinelone-isolate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	yes := fs.Bool("yes", false, "really do it (otherwise only show what would be done)")
	undo := fs.Bool("undo", false, "reconnect the host instead of isolating it")
	wait := fs.Duration("wait", 2*time.Minute, "how long to wait for the agent to report the new network status (0: do not wait)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: sentinelone-isolate [-yes] [-undo] [-wait 2m] COMPUTER-NAME")
	}
	host := fs.Arg(0)

	s, cleanup, err := client(stderr) // a real console or a fake: see demo.go
	if err != nil {
		return err
	}
	defer cleanup()

	page, err := s.Agents.List(ctx, &sentinelone.AgentListOptions{ComputerName: host, Paging: sentinelone.Paging{Limit: 10}})
	if err != nil {
		return err
	}
	switch len(page.Items) {
	case 0:
		return fmt.Errorf("no agent named %q", host)
	case 1:
	default:
		for _, a := range page.Items {
			fmt.Fprintf(stdout, "  %s  id=%s site=%s status=%s\n", a.ComputerName, a.ID, a.SiteName, a.NetworkStatus)
		}
		return fmt.Errorf("%d agents are named %q: refusing to guess", len(page.Items), host)
	}
	a := page.Items[0]
	action, want := sentinelone.AgentDisconnect, sentinelone.NetworkDisconnected
	if *undo {
		action, want = sentinelone.AgentConnect, sentinelone.NetworkConnected
	}
	fmt.Fprintf(stdout, "agent %s (id %s, site %q) is %s\n", a.ComputerName, a.ID, a.SiteName, a.NetworkStatus)
	if a.NetworkStatus == want {
		fmt.Fprintf(stdout, "nothing to do: already %s\n", want)
		return nil
	}
	if !*yes {
		fmt.Fprintf(stdout, "would %s: POST /web/api/v2.1/agents/actions/%s {\"filter\":{\"ids\":[%q]}}\n", action, string(action), a.ID)
		fmt.Fprintln(stdout, "run again with -yes to do it")
		return nil
	}
	filter := sentinelone.AgentFilter{IDs: []string{a.ID}}
	if *undo {
		_, err = s.Agents.Connect(ctx, filter, nil)
	} else {
		_, err = s.Agents.Disconnect(ctx, filter, nil)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s requested\n", action)
	if *wait <= 0 {
		return nil
	}
	return waitFor(ctx, s, a.ID, want, *wait, stdout)
}

// waitFor polls the agent until it reports status want.
func waitFor(ctx context.Context, s *sentinelone.Client, id string, want sentinelone.NetworkStatus, limit time.Duration, stdout io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	last := sentinelone.NetworkStatus("")
	for {
		p, err := s.Agents.List(ctx, &sentinelone.AgentListOptions{IDs: []string{id}})
		if err != nil {
			return err
		}
		if len(p.Items) == 1 {
			if st := p.Items[0].NetworkStatus; st != last {
				fmt.Fprintf(stdout, "network status: %s\n", st)
				last = st
			}
			if last == want {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("agent still %s after %s (the agent applies the action when it next checks in)", last, limit)
		case <-time.After(2 * time.Second):
		}
	}
}
