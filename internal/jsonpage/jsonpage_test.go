package jsonpage

import (
	"encoding/json"
	"reflect"
	"testing"
)

type item struct {
	ID   string   `json:"id"`
	N    int      `json:"n"`
	Tags []string `json:"tags"`
}

// TestDecodeSpans: each element decodes as encoding/json decodes it, and
// its span is exactly its bytes in the page, capped.
func TestDecodeSpans(t *testing.T) {
	page := []byte(` [ {"id":"a","n":1} ,` + "\n\t" + `{"ID":"b","tags":["x"],"n":2,"n":3}, null,{"id":"\u00e9\ud800"}]`)
	want := []string{`{"id":"a","n":1}`, `{"ID":"b","tags":["x"],"n":2,"n":3}`, `null`, `{"id":"\u00e9\ud800"}`}
	dec := NewDecoder(page)
	var got []string
	ok, err := Array(dec, func() error {
		var v item
		raw, err := Decode(dec, page, &v)
		if err != nil {
			return err
		}
		var ref item
		if err := json.Unmarshal(raw, &ref); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(v, ref) {
			t.Errorf("%s: decoded %+v, encoding/json %+v", raw, v, ref)
		}
		if cap(raw) != len(raw) {
			t.Errorf("%s: span not capped", raw)
		}
		got = append(got, string(raw))
		return nil
	})
	if !ok || err != nil {
		t.Fatal(ok, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("spans %q, want %q", got, want)
	}
}

func TestValueAndName(t *testing.T) {
	page := []byte(`{"a\u0062":[1, 2],"c":{"d":"]"}}`)
	dec := NewDecoder(page)
	if _, err := dec.ReadToken(); err != nil {
		t.Fatal(err)
	}
	name, escaped, err := Name(dec)
	if err != nil || !escaped || string(name) != `a\u0062` {
		t.Errorf("Name = %s, %v, %v", name, escaped, err)
	}
	if ok, err := Array(dec, func() error { _, err := Value(dec, page); return err }); !ok || err != nil {
		t.Errorf("Array = %v, %v", ok, err)
	}
	name, escaped, err = Name(dec)
	if err != nil || escaped || string(name) != "c" {
		t.Errorf("Name = %s, %v, %v", name, escaped, err)
	}
	if ok, _ := Array(dec, func() error { return nil }); ok {
		t.Error("Array took an object")
	}
}

// TestUnmarshalLikeEncodingJSON: the cases where the go-json-experiment
// decoder differs from encoding/json by default decode as encoding/json
// does under V1.
func TestUnmarshalLikeEncodingJSON(t *testing.T) {
	for _, in := range []string{
		`{"ID":"x","id":"y"}`, `{"id":"a","id":"b"}`, "{\"id\":\"\xff\"}", `{"n":null,"tags":null}`,
		`{"Tags":["a"],"tags":["b","c"]}`, `{"n":1.5}`, `{"id":1}`, `{"i_d":"x"}`, `{"n":"1"}`,
	} {
		var got, want item
		err := Unmarshal([]byte(in), &got)
		werr := json.Unmarshal([]byte(in), &want)
		if (err == nil) != (werr == nil) {
			t.Errorf("%s: error %v, encoding/json %v", in, err, werr)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %+v, encoding/json %+v", in, got, want)
		}
	}
}
