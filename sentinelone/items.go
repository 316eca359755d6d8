package sentinelone

import (
	"context"
	"encoding/json"
	"fmt"

	s1wire "github.com/socgo/xdr/internal/wire/sentinelone"

	"github.com/socgo/xdr/internal/jsonpage"
)

// rawItem is satisfied by the pointer of every listed object of the
// console's configuration (blocklist entries, IOCs, exclusions, sites…):
// it decodes with encoding/json and keeps the bytes it came from.
type rawItem[T any] interface {
	*T
	setRaw([]byte)
}

// decodeItem decodes one listed object from span, as encoding/json does
// (with the go-json-experiment decoder; encoding/json words the error),
// and keeps span as its Raw (list pages hand out spans that are never
// modified).
func decodeItem[T any, P rawItem[T]](span []byte, v *T) error {
	if jsonpage.Unmarshal(span, v) != nil {
		var zero T
		*v = zero
		if err := json.Unmarshal(span, v); err != nil {
			return err
		}
	}
	P(v).setRaw(span)
	return nil
}

// oneOrMany decodes a "data" member that some calls answer as an array and
// others as one object.
type oneOrMany[T any] []T

func (m *oneOrMany[T]) UnmarshalJSON(b []byte) error {
	var one T
	switch {
	case len(b) > 0 && b[0] == '[':
		var many []T
		if err := json.Unmarshal(b, &many); err != nil {
			return err
		}
		*m = many
	case string(b) == "null":
		*m = nil
	default:
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*m = []T{one}
	}
	return nil
}

// create posts {"filter": filter, "data": data} on the request line build
// returns (a generated builder: s1wire.NewAddBlocklistRequest) and returns
// the objects of the answer, decoded with their Raw. It is retried on 5xx
// and network errors only when opts allows it.
func create[T any, P rawItem[T]](ctx context.Context, c *Client, op string, build func() (s1wire.Request, error), filter, data any, opts *ActionOptions) ([]T, error) {
	r, err := line(op)(build())
	if err != nil {
		return nil, err
	}
	r.Body, r.RetrySafe = actionBody{Filter: filter, Data: data}, opts.retrySafe()
	path := r.Path
	raw, _, err := call[oneOrMany[json.RawMessage]](ctx, c, r)
	if err != nil {
		return nil, err
	}
	out := make([]T, len(raw))
	for i, b := range raw {
		if err := decodeItem[T, P](b, &out[i]); err != nil {
			return nil, fmt.Errorf("sentinelone: POST %s: decode item %d: %w", path, i, err)
		}
	}
	return out, nil
}

// remove sends body on the DELETE request line build returns (a
// generated builder: s1wire.NewDeleteIOCsRequest) and returns the
// "affected" count of the answer when it has one (-1 otherwise).
func remove(ctx context.Context, c *Client, op string, build func() (s1wire.Request, error), body any) (int, error) {
	r, err := line(op)(build())
	if err != nil {
		return 0, err
	}
	r.Body = body
	d, _, err := call[json.RawMessage](ctx, c, r)
	if err != nil {
		return 0, err
	}
	var res struct {
		Affected *int `json:"affected"`
	}
	if json.Unmarshal(d, &res) != nil || res.Affected == nil {
		return -1, nil
	}
	return *res.Affected, nil
}

// deleteByType sends {"data": {"type": typ, "ids": ids}}, the body of the
// restrictions and exclusions deletes, on the DELETE that build makes.
func deleteByType(ctx context.Context, c *Client, op string, build func() (s1wire.Request, error), typ string, ids []string) (int, error) {
	if err := checkIDs(op, "ids", ids); err != nil {
		return 0, err
	}
	return remove(ctx, c, op, build, map[string]any{"data": map[string]any{"type": typ, "ids": ids}})
}
