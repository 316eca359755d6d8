package sekoia

import (
	"context"
	"encoding/json"
	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

// Me is the identity behind the API key, as GET /v1/me returns it. The
// API publishes no schema for it: the typed fields are the ones its
// answers are known to carry, and Raw keeps the whole JSON.
type Me struct {
	UUID      string `json:"uuid,omitempty"`
	Email     string `json:"email,omitempty"`
	Firstname string `json:"firstname,omitempty"`
	Lastname  string `json:"lastname,omitempty"`
	// Type is the kind of principal ("avatar", "apikey"…).
	Type string `json:"type,omitempty"`

	// Raw is the JSON the answer was decoded from.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the answer, keeping Raw.
func (m *Me) UnmarshalJSON(b []byte) error {
	type plain Me
	*m = Me{}
	if err := json.Unmarshal(b, (*plain)(m)); err != nil {
		return err
	}
	m.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// MarshalJSON returns Raw when m was decoded from JSON.
func (m Me) MarshalJSON() ([]byte, error) {
	if len(m.Raw) > 0 {
		return m.Raw, nil
	}
	type plain Me
	return json.Marshal(plain(m))
}

// Me returns the identity behind the API key; extended asks for the
// extended form.
//
// Me calls GET /v1/me (with extended=true when asked).
func (c *Client) Me(ctx context.Context, extended bool) (*Me, error) {
	var out Me
	if err := c.send(ctx, "Me", nil, &out)(wire.NewGetMeRequest(&wire.GetMeParams{Extended: ptr(extended)})); err != nil {
		return nil, err
	}
	return &out, nil
}
