package wire

import (
	"net/url"
	"testing"
)

func TestAddQuery(t *testing.T) {
	q := url.Values{"a": {"1"}}
	if err := AddQuery(q, "match", "match%5Bsource%5D=1.2.3.4%2C5.6.7.8&a=2"); err != nil {
		t.Fatal(err)
	}
	if got, want := q.Encode(), "a=1&a=2&match%5Bsource%5D=1.2.3.4%2C5.6.7.8"; got != want {
		t.Errorf("query %s, want %s", got, want)
	}
	if err := AddQuery(q, "bad", "a=%zz"); err == nil {
		t.Error("a fragment that is not a query was accepted")
	}
}
