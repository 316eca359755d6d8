package sekoia_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/socgo/xdr/sekoia"
)

func TestCommunitiesWire(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t)
	raw := fixture(t, "community.json")
	body, _ := json.Marshal(map[string]any{"items": []json.RawMessage{raw}, "total": 1})
	q := url.Values{"match[name]": {"Acme SOC"}, "match[uuid]": {"52bd045f-4199-4361-8267-cdebfc784392"}, "match[plan_properties]": {"xdr"},
		"disabled": {"false"}, "parent": {"false"}, "sort": {"name"}, "direction": {"asc"}, "limit": {"10"}}
	mt.RegisterResponder(http.MethodGet, apiBase+"/v1/communities", respond(t, wire{query: q}, 200, body))
	page, err := c.Communities.List(context.Background(), &sekoia.CommunityListOptions{
		Names: []string{"Acme SOC"}, UUIDs: []string{"52bd045f-4199-4361-8267-cdebfc784392"}, PlanProperties: []string{"xdr"},
		Disabled: ptr(false), Parent: ptr(false), Sort: "name", Direction: sekoia.Ascending, Limit: 10,
	})
	if err != nil {
		t.Fatal(err)
	}
	cm := page.Items[0]
	if cm.Name != "Acme SOC" || cm.CreatedAt.Nanosecond() != 123456000 || !cm.DisabledAt.IsZero() || string(cm.Limits) != `{"intakes":50}` {
		t.Errorf("community = %+v", cm)
	}
	mt.RegisterResponder(http.MethodGet, apiBase+"/v1/communities/52bd045f-4199-4361-8267-cdebfc784392",
		respond(t, wire{query: url.Values{"include_licenses": {"true"}}}, 200, raw))
	got, err := c.Communities.Get(context.Background(), "52bd045f-4199-4361-8267-cdebfc784392", &sekoia.CommunityGetOptions{IncludeLicenses: true})
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Raw) != strings.TrimSpace(string(raw)) {
		t.Error("raw bytes not kept")
	}
	if _, err := c.Communities.Get(context.Background(), "acme", nil); err == nil {
		t.Error("bad uuid accepted")
	}
	mt.RegisterResponder(http.MethodGet, apiBase+"/v1/communities", respond(t, wire{query: url.Values{"limit": {"100"}, "offset": {"0"}}}, 200, body))
	n := countAll(t, c.Communities.All(context.Background(), nil))
	if n != 1 {
		t.Errorf("All yielded %d", n)
	}
}

func TestKillChainsWire(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t)
	stage := fixture(t, "killchain_stage.json")
	body, _ := json.Marshal(map[string]any{"items": []json.RawMessage{stage}, "total": 1})
	q := url.Values{"match[name]": {"Reconnaissance"}, "match[short_id]": {"KCXKNfnJupq5"}, "limit": {"5"}, "offset": {"1"}}
	mt.RegisterResponder(http.MethodGet, apiBase+"/v1/sic/kill-chains", respond(t, wire{query: q}, 200, body))
	page, err := c.KillChains.List(context.Background(), &sekoia.KillChainListOptions{Names: []string{"Reconnaissance"}, ShortIDs: []string{"KCXKNfnJupq5"}, Limit: 5, Offset: 1})
	if err != nil {
		t.Fatal(err)
	}
	if s := page.Items[0]; s.OrderID != 1 || s.STIXName != "reconnaissance" || s.ShortID != "KCXKNfnJupq5" {
		t.Errorf("stage = %+v", s)
	}
	mt.RegisterResponder(http.MethodGet, apiBase+"/v1/sic/kill-chains/KCXKNfnJupq5", respond(t, wire{}, 200, stage))
	s, err := c.KillChains.Get(context.Background(), "KCXKNfnJupq5")
	if err != nil || s.Name != "Reconnaissance" {
		t.Fatalf("Get = %+v, %v", s, err)
	}
	if _, err := c.KillChains.Get(context.Background(), "Reconnaissance"); err == nil {
		t.Error("bad id accepted")
	}
	mt.RegisterResponder(http.MethodGet, apiBase+"/v1/sic/kill-chains", respond(t, wire{query: url.Values{"limit": {"100"}, "offset": {"0"}}}, 200, body))
	n := countAll(t, c.KillChains.All(context.Background(), nil))
	if n != 1 {
		t.Errorf("All yielded %d", n)
	}
}
