package tehtris

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	wire "github.com/socgo/xdr/internal/wire/tehtris"
)

// ActionOptions are the per-call options of the writes that are not
// idempotent (POST and PATCH actions).
type ActionOptions struct {
	// RetrySafe lets this call be retried on 5xx, 408, network errors
	// and an answer whose body was cut, which may repeat an action the
	// platform already carried out. By default such writes are retried
	// only on 429, which the platform answers without acting, and when
	// they provably never left (a failed DNS lookup, connection or TLS
	// handshake).
	RetrySafe bool
}

func (o *ActionOptions) retrySafe() bool { return o != nil && o.RetrySafe }

// NewFilter describes a saved filter to create with Filters.Create: it
// selects the events whose level is within MinLevel..MaxLevel, newest
// first.
type NewFilter struct {
	// Name names the filter (required).
	Name string
	// Description describes it.
	Description string
	// Module is the filter's module; "Endpoint" when empty.
	Module string
	// MinLevel and MaxLevel bound the event level, 0 to 9 (sent as
	// "min~max").
	MinLevel, MaxLevel int
}

// filterQuery is the query of a created filter, in the one form public
// material shows.
type filterQuery struct {
	Module    string                       `json:"module"`
	Offset    int                          `json:"offset"`
	Limit     int                          `json:"limit"`
	TimeOrder string                       `json:"timeOrder"`
	Columns   map[string]map[string]string `json:"columns"`
}

type newFilterBody struct {
	Name        string      `json:"name"`
	Description string      `json:"description"`
	Module      string      `json:"module"`
	FilterQuery filterQuery `json:"filterQuery"`
}

// Create saves a filter and returns it. It calls POST /xdr/v2/filter/filter
// with {"name", "description", "module", "filterQuery": {"module":
// "Endpoint_Active", "offset": 0, "limit": 25, "timeOrder": "DESC",
// "columns": {"lvl": {"searchValue": "min~max"}}}}.
//
// The reply is not publicly documented: when it is a filter object it is
// decoded (the new filter's ID then set); otherwise the returned filter
// holds the fields sent and an empty ID, to be found with List. Create is
// not retried after a send unless opts.RetrySafe is set (a retry could
// create the filter twice).
func (s *FiltersService) Create(ctx context.Context, f NewFilter, opts *ActionOptions) (*Filter, error) {
	if strings.TrimSpace(f.Name) == "" {
		return nil, errors.New("tehtris: Filters.Create: Name is empty")
	}
	for _, a := range []struct{ name, v string }{{"Name", f.Name}, {"Description", f.Description}, {"Module", f.Module}} {
		if err := checkText(a.v); err != nil {
			return nil, fmt.Errorf("tehtris: Filters.Create: %s %s: %w", a.name, quoteArg(a.v), err)
		}
	}
	if f.MinLevel < 0 || f.MaxLevel > 9 || f.MinLevel > f.MaxLevel {
		return nil, fmt.Errorf("tehtris: Filters.Create: levels %d..%d are not within 0..9 in order", f.MinLevel, f.MaxLevel)
	}
	module := f.Module
	if module == "" {
		module = "Endpoint"
	}
	body := newFilterBody{Name: f.Name, Description: f.Description, Module: module, FilterQuery: filterQuery{
		Module: "Endpoint_Active", Limit: 25, TimeOrder: "DESC",
		Columns: map[string]map[string]string{"lvl": {"searchValue": strconv.Itoa(f.MinLevel) + "~" + strconv.Itoa(f.MaxLevel)}},
	}}
	req, err := line("Filters.Create")(wire.NewCreateFilterRequest())
	if err != nil {
		return nil, err
	}
	req.Body, req.RetrySafe = body, opts.retrySafe()
	raw, _, err := s.c.rest.Fetch(ctx, req)
	if err != nil {
		return nil, err
	}
	out := Filter{Name: f.Name, Description: f.Description, Module: module}
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '{' {
		var got Filter
		if err := json.Unmarshal(raw, &got); err != nil {
			return nil, fmt.Errorf("tehtris: POST %s: %w", req.Path, err)
		}
		if got.ID != "" {
			out = got
		}
	}
	return &out, nil
}

// Delete deletes the saved filter id. It calls DELETE
// /xdr/v2/filter/filter/{id}; an unknown id gives an error matching
// ErrNotFound. Being idempotent, it is retried like a read.
func (s *FiltersService) Delete(ctx context.Context, id string) error {
	if err := checkID("filter id", id); err != nil {
		return fmt.Errorf("tehtris: Filters.Delete: %w", err)
	}
	req, err := line("Filters.Delete")(wire.NewDeleteFilterRequest(id))
	if err != nil {
		return err
	}
	_, err = s.c.rest.Do(ctx, req, nil)
	return err
}

// checkID accepts the known forms of filter and scan ids (a number, a
// UUID) and anything else made of letters, digits, '-' and '_', at most
// 100 bytes: never a dot segment or a slash. name names the argument.
func checkID(name, id string) error {
	if id == "" {
		return fmt.Errorf("%s is empty", name)
	}
	if len(id) > 100 {
		return fmt.Errorf("%s %s is longer than 100 bytes", name, quoteArg(id))
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return fmt.Errorf("%s %s may hold only letters, digits, '-' and '_'", name, quoteArg(id))
		}
	}
	return nil
}
