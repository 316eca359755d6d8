package sentinelone

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/socgo/xdr/internal/jsonpage"
	"github.com/socgo/xdr/internal/rest"
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

// create posts {"filter": filter, "data": data} to path and returns the
// objects of the answer, decoded with their Raw. It is retried on 5xx and
// network errors only when opts allows it.
func create[T any, P rawItem[T]](ctx context.Context, c *Client, path string, filter, data any, opts *ActionOptions) ([]T, error) {
	r := rest.Request{Method: http.MethodPost, Path: path, Body: actionBody{Filter: filter, Data: data}, RetrySafe: opts.retrySafe()}
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

// remove sends DELETE path with body and returns the "affected" count of
// the answer when it has one (-1 otherwise).
func remove(ctx context.Context, c *Client, path string, body any) (int, error) {
	d, _, err := call[json.RawMessage](ctx, c, rest.Request{Method: http.MethodDelete, Path: path, Body: body})
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

// deleteByType sends DELETE path with {"data": {"type": typ, "ids": ids}},
// the body of the restrictions and exclusions deletes.
func deleteByType(ctx context.Context, c *Client, op, path, typ string, ids []string) (int, error) {
	if err := checkIDs(op, "ids", ids); err != nil {
		return 0, err
	}
	return remove(ctx, c, path, map[string]any{"data": map[string]any{"type": typ, "ids": ids}})
}
