// Command sentinelone-hunt runs a Deep Visibility query over the last day
// (or -since) and prints the matching events, one line each; -json prints
// them as the console sent them. The query is canceled if the command
// stops before reading every event (Ctrl-C, -max reached, an error).
//
//	S1_CONSOLE_URL=https://usea1-partners.sentinelone.net S1_API_TOKEN=... \
//	  go run ./examples/sentinelone-hunt 'SrcProcName ContainsCIS "powershell" AND SrcProcCmdLine ContainsCIS "-enc"'
//
// Without S1_CONSOLE_URL it runs against a fake console holding a few
// process and DNS events of the last hours.
package main

import (
	"context"
	"encoding/json"
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
	fs := flag.NewFlagSet("sentinelone-hunt", flag.ContinueOnError)
	fs.SetOutput(stderr)
	since := fs.Duration("since", 24*time.Hour, "how far back to search")
	limit := fs.Int("limit", 0, "the most events the console returns (0: 20000)")
	maxPrint := fs.Int("max", 0, "stop after printing that many events (0: all)")
	asJSON := fs.Bool("json", false, "print each event's JSON as the console sent it")
	site := fs.String("site", "", "only this site id")
	if err := fs.Parse(args); err != nil {
		return err
	}
	query := `ProcessName ContainsCIS "powershell"`
	switch fs.NArg() {
	case 0:
	case 1:
		query = fs.Arg(0)
	default:
		return errors.New(`usage: sentinelone-hunt [-since 24h] [-limit N] [-max N] [-json] [-site ID] 'S1QL query'`)
	}
	s, cleanup, err := client(stderr) // a real console or a fake: see demo.go
	if err != nil {
		return err
	}
	defer cleanup()

	now := time.Now()
	q := sentinelone.DVQuery{Query: query, From: now.Add(-*since), To: now, Limit: *limit}
	if *site != "" {
		q.SiteIDs = []string{*site}
	}
	fmt.Fprintf(stderr, "query %q from %s to %s\n", query, q.From.Format(time.RFC3339), q.To.Format(time.RFC3339))
	n := 0
	for ev, err := range s.DeepVisibility.SearchAll(ctx, q, nil) {
		if errors.Is(err, sentinelone.ErrTooManyResults) {
			fmt.Fprintln(stderr, "warning:", err)
			break
		}
		if err != nil {
			return err
		}
		n++
		if *asJSON {
			b, _ := json.Marshal(ev) // the raw bytes of the event
			fmt.Fprintf(stdout, "%s\n", b)
		} else {
			what := ev.ProcessCmd
			if what == "" {
				what = ev.DNSRequest + ev.NetworkURL + ev.FileFullName + ev.RegistryPath
			}
			fmt.Fprintf(stdout, "%s  %-16s %-18s %-16s %s\n", ev.CreatedAt.Format(time.RFC3339), ev.AgentName, ev.EventType, ev.ProcessName, what)
		}
		if *maxPrint > 0 && n == *maxPrint {
			break // SearchAll cancels the query
		}
	}
	fmt.Fprintf(stderr, "%d events\n", n)
	return nil
}
