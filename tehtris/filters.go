package tehtris

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"

	"github.com/socgo/xdr/internal/rest"
	wire "github.com/socgo/xdr/internal/wire/tehtris"
)

// FiltersService lists saved XDR filters. Reach it as Client.Filters.
type FiltersService struct {
	c *Client
}

// Filter is a saved XDR filter (or a folder of filters). Its ID is what
// EventQuery.FilterID takes.
//
// The API's filter objects are not publicly documented beyond these
// members; Raw keeps the whole object.
type Filter struct {
	// ID identifies the filter; the API sends it as a number or a string,
	// kept here as text.
	ID string
	// OldID is the id of a filter created before platform 10.1
	// ("oldFilterId"), if any.
	OldID string
	// Name, Description and Module describe the filter.
	Name, Description, Module string
	// Raw is the exact JSON object of the filter.
	Raw json.RawMessage
}

// UnmarshalJSON decodes a filter object and keeps a copy of it in Raw.
func (f *Filter) UnmarshalJSON(data []byte) error {
	var w struct {
		ID          json.RawMessage `json:"id"`
		OldID       json.RawMessage `json:"oldFilterId"`
		Name        string          `json:"name"`
		Description string          `json:"description"`
		Module      string          `json:"module"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return fmt.Errorf("tehtris: decode filter: %w", err)
	}
	id, err := idText(w.ID)
	if err != nil {
		return fmt.Errorf("tehtris: decode filter: id: %w", err)
	}
	old, err := idText(w.OldID)
	if err != nil {
		return fmt.Errorf("tehtris: decode filter: oldFilterId: %w", err)
	}
	*f = Filter{ID: id, OldID: old, Name: w.Name, Description: w.Description, Module: w.Module,
		Raw: append(json.RawMessage(nil), bytes.TrimSpace(data)...)}
	return nil
}

// MarshalJSON returns Raw when set, else the typed fields.
func (f Filter) MarshalJSON() ([]byte, error) {
	if len(f.Raw) > 0 {
		return f.Raw, nil
	}
	return json.Marshal(struct {
		ID          string `json:"id"`
		Name        string `json:"name,omitempty"`
		Description string `json:"description,omitempty"`
		Module      string `json:"module,omitempty"`
		OldID       string `json:"oldFilterId,omitempty"`
	}{f.ID, f.Name, f.Description, f.Module, f.OldID})
}

// idText returns a JSON number or string as text ("" for null or absent).
func idText(b json.RawMessage) (string, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return "", nil
	}
	if b[0] == '"' {
		var s string
		err := json.Unmarshal(b, &s)
		return s, err
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return "", fmt.Errorf("%s is neither a number nor a string", truncate(b))
	}
	return n.String(), nil
}

// FilterListOptions select filters in Filters.List. A nil pointer lists
// every filter visible to the key.
type FilterListOptions struct {
	// Name and Module select filters by name and module.
	Name, Module string
	// OldFilterID finds the filter of an id from before platform 10.1.
	OldFilterID string
	// FiltersOnly leaves folders out.
	FiltersOnly bool
	// PresetFilters includes the platform's preset filters.
	PresetFilters bool
}

// request builds GET /xdr/v2/filter with the options (nil: none).
func (o *FilterListOptions) request(method string) (rest.Request, error) {
	var p wire.ListFiltersParams
	if o != nil {
		p = wire.ListFiltersParams{
			Name: nonEmpty(o.Name), Module: nonEmpty(o.Module), OldFilterId: nonEmpty(o.OldFilterID),
			FiltersOnly: flag(o.FiltersOnly), PresetFilters: flag(o.PresetFilters),
		}
	}
	return line(method)(wire.NewListFiltersRequest(&p))
}

// List returns the saved filters and folders visible to the API key. It
// calls GET /xdr/v2/filter with name, module, oldFilterId, filtersOnly and
// presetFilters from opts. The endpoint has no paging: the page holds
// every filter (Total is their number, HasMore is false). The reply is
// read as a JSON array of filter objects, or an object holding that array
// in "data".
func (s *FiltersService) List(ctx context.Context, opts *FilterListOptions) (*Page[Filter], error) {
	req, err := opts.request("Filters.List")
	if err != nil {
		return nil, err
	}
	fs, err := s.list(ctx, req)
	if err != nil {
		return nil, err
	}
	return &Page[Filter]{Items: fs, Total: len(fs)}, nil
}

// All yields the filters List returns, from one request: the endpoint has
// no paging, so All is List in the iterator form every list has.
//
// Iterator contract: All is lazy (no request before the loop starts) and
// re-runnable (each run sends its request); opts is copied when All is
// called, never changed; the request uses ctx; on an error the iterator
// yields (Filter{}, err) once and stops.
func (s *FiltersService) All(ctx context.Context, opts *FilterListOptions) iter.Seq2[Filter, error] {
	req, err := opts.request("Filters.All")
	return func(yield func(Filter, error) bool) {
		if err != nil {
			yield(Filter{}, err)
			return
		}
		fs, err := s.list(ctx, req)
		if err != nil {
			yield(Filter{}, err)
			return
		}
		for _, f := range fs {
			if !yield(f, nil) {
				return
			}
		}
	}
}

func (s *FiltersService) list(ctx context.Context, req rest.Request) ([]Filter, error) {
	body, _, err := s.c.rest.Fetch(ctx, req)
	if err != nil {
		return nil, err
	}
	out, err := decodeList[Filter](body)
	if err != nil {
		return nil, fmt.Errorf("tehtris: GET /xdr/v2/filter: %w", err)
	}
	return out, nil
}
