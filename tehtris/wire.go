package tehtris

import (
	"fmt"
	"strings"

	"github.com/socgo/xdr/internal/rest"
	wire "github.com/socgo/xdr/internal/wire/tehtris"
)

// The request line of every call is built by the generated wire layer
// (internal/wire/tehtris, from openapi/tehtris.yaml): the public methods
// check their arguments, fill the operation's parameters and send what the
// builder returns through internal/rest. Client.Do is the caller's own
// request.

// line turns what a generated builder returns into the rest.Request to
// send, its error naming method: line(method)(wire.NewListTagsRequest()).
// The caller adds the body.
func line(method string) func(wire.Request, error) (rest.Request, error) {
	return func(w wire.Request, err error) (rest.Request, error) {
		if err != nil {
			return rest.Request{}, fmt.Errorf("tehtris: %s: %w", method, err)
		}
		return rest.Request{Method: w.Method, Path: w.Path, Query: w.Query, Header: w.Header}, nil
	}
}

// request builds GET /edr/v2/inventory for the query, from offset.
func (q *HostQuery) request(offset int) (rest.Request, error) {
	p := wire.ListHostsParams{
		Hostname: nonEmpty(q.Hostname), HostnameRegex: nonEmpty(q.HostnameRegex),
		Domain: nonEmpty(q.Domain), DomainRegex: nonEmpty(q.DomainRegex), Network: nonEmpty(q.Network),
	}
	if len(q.UUIDs) > 0 {
		uuids := make([]string, len(q.UUIDs))
		for i, u := range q.UUIDs {
			uuids[i] = strings.ToLower(u)
		}
		p.Uuids = &uuids
	}
	if len(q.ApplianceIDs) > 0 {
		p.ApplianceIds = &q.ApplianceIDs
	}
	if len(q.Tags) > 0 {
		p.Tags = &q.Tags
	}
	if offset > 0 {
		p.Offset = &offset
	}
	return line("Inventory")(wire.NewListHostsRequest(&p))
}

// nonEmpty returns s as a parameter, nil when empty (not sent).
func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	p := new(string) // allocated only when sent (&s would move s to the heap on every call)
	*p = s
	return p
}

// flag returns a true flag as a parameter, nil for false (not sent).
func flag(b bool) *bool {
	if !b {
		return nil
	}
	p := new(bool)
	*p = true
	return p
}

// ptrTo returns a pointer to v.
func ptrTo[T any](v T) *T { return &v }
