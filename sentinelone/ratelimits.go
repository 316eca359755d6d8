package sentinelone

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"

	"github.com/socgo/xdr/internal/argcheck"
	"github.com/socgo/xdr/internal/ratelimit"
	"github.com/socgo/xdr/internal/transport"
)

// RateLimit is one row of the per-path client-side rate limits: requests
// whose API path (relative to /web/api/v2.1) is Prefix, or lies under it,
// share a token bucket of Rate requests per second with bursts of Burst.
//
// SentinelOne limits each API token per path. The limits are kept per
// Client, so two clients sharing one token should share a limiter through
// WithLimiter instead.
type RateLimit struct {
	// Prefix is a path such as "/activities". It matches whole segments:
	// "/user" does not match "/users". A "{id}" segment matches one
	// numeric segment ("/threats/{id}" covers "/threats/123/notes") and a
	// "*" segment any one segment.
	Prefix string
	// Rate is the sustained number of requests per second (> 0).
	Rate float64
	// Burst is the number of requests that may go at once (>= 1).
	Burst int
}

func (l RateLimit) validate() error {
	switch {
	case !strings.HasPrefix(l.Prefix, "/"):
		return fmt.Errorf("prefix %q must start with /", argcheck.Short(l.Prefix))
	case l.Rate <= 0 || math.IsNaN(l.Rate) || math.IsInf(l.Rate, 0):
		return fmt.Errorf("prefix %q: rate %v must be positive", argcheck.Short(l.Prefix), l.Rate)
	case l.Burst < 1:
		return fmt.Errorf("prefix %q: burst %d must be at least 1", argcheck.Short(l.Prefix), l.Burst)
	}
	return nil
}

// DefaultRateLimits returns the per-path limits applied by default,
// following the per-token rate table of the Management API documentation
// (rate per second / burst). The threat sub-paths row covers only
// /threats/{id}/…, where {id} is a numeric threat id.
func DefaultRateLimits() []RateLimit {
	return []RateLimit{
		{Prefix: "/activities", Rate: 10, Burst: 30},
		{Prefix: "/threats", Rate: 10, Burst: 50},
		{Prefix: "/threats/{id}", Rate: 100, Burst: 1000},
		{Prefix: "/agents", Rate: 25, Burst: 1},
		{Prefix: "/users", Rate: 40, Burst: 80},
		{Prefix: "/user", Rate: 2, Burst: 5},
		{Prefix: "/users/login", Rate: 1, Burst: 1},
		{Prefix: "/system/status", Rate: 2, Burst: 1},
		{Prefix: "/dv/init-query", Rate: 1.0 / 60, Burst: 1},
		{Prefix: "/dv/query-status", Rate: 1, Burst: 1},
		{Prefix: "/dv/events/pq", Rate: 4, Burst: 1},
		{Prefix: "/dv/events/pq-ping", Rate: 4, Burst: 1},
		{Prefix: "/export", Rate: 1, Burst: 30},
		{Prefix: "/remote-scripts", Rate: 1, Burst: 30},
		{Prefix: "/remote-ops", Rate: 1, Burst: 5},
		{Prefix: "/cloud-funnel", Rate: 2, Burst: 10},
		{Prefix: "/xdr", Rate: 25, Burst: 1},
	}
}

// pathLimits picks the bucket of the longest matching prefix.
type pathLimits struct {
	base    string // the escaped API base path, removed from request paths
	entries []limitEntry
}

type limitEntry struct {
	segs   []string // "{id}" matches a numeric segment, "*" any segment
	bucket *ratelimit.Bucket
}

func newPathLimits(basePath string, limits []RateLimit) (*pathLimits, error) {
	if len(limits) == 0 {
		return nil, nil
	}
	p := &pathLimits{base: strings.TrimSuffix(basePath, "/")}
	for _, l := range limits {
		if err := l.validate(); err != nil {
			return nil, err
		}
		p.entries = append(p.entries, limitEntry{
			segs:   strings.Split(strings.Trim(l.Prefix, "/"), "/"),
			bucket: ratelimit.New(l.Rate, l.Burst),
		})
	}
	return p, nil
}

var errNoLimit = errors.New("no limit")

func (p *pathLimits) lookup(path string) (*ratelimit.Bucket, error) {
	rest, ok := strings.CutPrefix(path, p.base)
	if !ok {
		return nil, errNoLimit
	}
	segs := strings.Split(strings.Trim(rest, "/"), "/")
	var best *ratelimit.Bucket
	bestLen := 0
	for _, e := range p.entries {
		if len(e.segs) > len(segs) || len(e.segs) <= bestLen {
			continue
		}
		match := true
		for i, s := range e.segs {
			switch s {
			case "*":
			case "{id}":
				if !isDigits(segs[i]) {
					match = false
				}
			default:
				if s != segs[i] {
					match = false
				}
			}
			if !match {
				break
			}
		}
		if match {
			best, bestLen = e.bucket, len(e.segs)
		}
	}
	if best == nil {
		return nil, errNoLimit
	}
	return best, nil
}

// limiter is the transport.Config.PathLimiter of the table.
func (p *pathLimits) limiter(r *http.Request) transport.Limiter {
	b, err := p.lookup(r.URL.EscapedPath())
	if err != nil {
		return nil
	}
	return b
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
