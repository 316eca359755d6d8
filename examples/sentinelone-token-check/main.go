// Command sentinelone-token-check prints the days left on the API token of
// each configured SentinelOne console and exits non-zero when one has fewer
// than -min-days left, or is already invalid: made for cron.
//
//	S1_CONSOLES="https://usea1-partners.sentinelone.net=TOKEN1,euce1-110-nfr.sentinelone.net=TOKEN2" \
//	  go run ./examples/sentinelone-token-check -min-days 14
//
// Without S1_CONSOLES (or -consoles) it checks two tokens of a fake console
// (sentinelonetest). Exit status: 0 all good, 1 a token expires within
// -min-days, 2 a token is invalid or a console could not be asked.
// Tokens are never printed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/socgo/xdr/sentinelone"
)

type console struct{ url, token string }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sentinelone-token-check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	list := fs.String("consoles", os.Getenv("S1_CONSOLES"), "comma-separated console=token pairs (default $S1_CONSOLES)")
	minDays := fs.Int("min-days", 14, "exit 1 when a token has fewer days left")
	timeout := fs.Duration("timeout", 30*time.Second, "time limit per console")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	consoles, err := parseConsoles(*list)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if len(consoles) == 0 {
		fmt.Fprintln(stderr, "S1_CONSOLES not set: checking a fake console")
		var stop func()
		if consoles, stop, err = demoConsoles(); err != nil { // see demo.go
			fmt.Fprintln(stderr, err)
			return 2
		}
		defer stop()
	}

	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CONSOLE\tDAYS LEFT\tEXPIRES\tSTATUS")
	code := 0
	for _, c := range consoles {
		days, expires, status, rc := check(c, *minDays, *timeout)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.url, days, expires, status)
		code = max(code, rc)
	}
	_ = tw.Flush()
	return code
}

// check asks one console for its token's details.
func check(c console, minDays int, timeout time.Duration) (days, expires, status string, code int) {
	s, err := sentinelone.NewClient(c.url, c.token)
	if err != nil {
		return "-", "-", err.Error(), 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	d, err := s.Token.Details(ctx)
	switch {
	case errors.Is(err, sentinelone.ErrTokenInvalid):
		return "-", "-", "INVALID OR EXPIRED: create a new token in the console", 2
	case err != nil:
		return "-", "-", "ERROR: " + err.Error(), 2
	case d.ExpiresAt.IsZero():
		return "-", "unknown", "ok (the console sent no expiry date)", 0
	}
	left := d.DaysLeft(time.Now())
	days, expires = fmt.Sprint(left), d.ExpiresAt.Format("2006-01-02")
	if soon, _ := d.ExpiresWithin(time.Now(), time.Duration(minDays)*24*time.Hour); soon {
		return days, expires, fmt.Sprintf("ROTATE: under %d days", minDays), 1
	}
	return days, expires, "ok", 0
}

// parseConsoles reads "url=token,url=token". The URL part never holds "="
// (the client refuses queries), so the first "=" splits.
func parseConsoles(s string) ([]console, error) {
	var out []console
	for i, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		u, tok, ok := strings.Cut(part, "=")
		if !ok || strings.TrimSpace(u) == "" || strings.TrimSpace(tok) == "" {
			return nil, fmt.Errorf("consoles: entry %d is not console=token", i+1)
		}
		out = append(out, console{strings.TrimSpace(u), strings.TrimSpace(tok)})
	}
	return out, nil
}
