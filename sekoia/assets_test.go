package sekoia_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jarcoal/httpmock"

	"github.com/socgo/xdr/sekoia"
)

const (
	assetsURL = apiBase + "/v2/asset-management/assets"
	assetUUID = "00000000-0000-0000-0000-000000000123"
)

func TestAssetsListWireEveryFilter(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t)
	want := url.Values{
		"search": {"pc01"}, "also_search_in_detection_properties": {"true"}, "also_search_in_tags": {"true"},
		"uuids": {assetUUID + ",00000000-0000-0000-0000-000000000124"}, "community_uuids": {"52bd045f-4199-4361-8267-cdebfc784392"},
		"type": {"host,network"}, "category": {"servers"}, "source": {"manual,import"}, "tags": {"prod,dmz"},
		"rule_uuid": {"r1"}, "rule_version": {"2"}, "connectors": {"c1"}, "connectors_configuration": {"cc1"},
		"intake_format_uuids": {"f1"}, "reviewed": {"false"}, "criticality": {"50"}, "with_telemetry": {"true"},
		"incorporate_atoms": {"true"}, "include_revoked": {"true"}, "include_intake_formats": {"true"},
		"sort": {"criticality"}, "direction": {"asc"}, "limit": {"100"}, "offset": {"200"},
	}
	body, _ := json.Marshal(map[string]any{"total": 1, "items": []json.RawMessage{fixture(t, "asset.json")}})
	mt.RegisterResponder(http.MethodGet, assetsURL, respond(t, wire{query: want}, 200, body))
	page, err := c.Assets.List(context.Background(), &sekoia.AssetListOptions{
		Search: "pc01", AlsoSearchInDetectionProperties: true, AlsoSearchInTags: true,
		UUIDs: []string{assetUUID, "00000000-0000-0000-0000-000000000124"}, CommunityUUIDs: []string{"52bd045f-4199-4361-8267-cdebfc784392"},
		Types: []sekoia.AssetType{sekoia.AssetHost, sekoia.AssetNetwork}, Categories: []string{"servers"},
		Sources: []sekoia.AssetSource{sekoia.AssetManual, sekoia.AssetImport}, Tags: []string{"prod", "dmz"},
		RuleUUIDs: []string{"r1"}, RuleVersions: []string{"2"}, Connectors: []string{"c1"}, ConnectorConfigurations: []string{"cc1"},
		IntakeFormatUUIDs: []string{"f1"}, Reviewed: ptr(false), MinCriticality: ptr(50), WithTelemetry: true,
		IncorporateAtoms: true, IncludeRevoked: true, IncludeIntakeFormats: true,
		Sort: sekoia.AssetSortCriticality, Direction: sekoia.Ascending, Limit: 100, Offset: 200,
	})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 1 || page.HasMore || page.Items[0].Name != "test get asset" {
		t.Errorf("page = %+v", page)
	}
	if _, err := c.Assets.List(context.Background(), &sekoia.AssetListOptions{Types: []sekoia.AssetType{"server"}}); err == nil {
		t.Error("bad type accepted")
	}
	if _, err := c.Assets.List(context.Background(), &sekoia.AssetListOptions{Limit: 101}); err == nil {
		t.Error("limit 101 accepted")
	}
}

// TestAssetsAllTwoPasses checks the requests of All: the first pass
// pages by offset up to the total, the second fetches the UUIDs read, a
// batch of Limit at a time, with the filters again; the assets come in the
// order of the first pass, those gone from the filter skipped.
func TestAssetsAllTwoPasses(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t)
	item := string(fixture(t, "asset.json"))
	asset := func(n int) string {
		return strings.Replace(item, assetUUID, fmt.Sprintf("00000000-0000-0000-0000-%012d", n), 1)
	}
	page := func(total int, items ...string) []byte {
		return []byte(fmt.Sprintf(`{"total":%d,"items":[%s]}`, total, strings.Join(items, ",")))
	}
	for _, r := range []struct {
		q    url.Values
		body []byte
	}{
		{url.Values{"tags": {"prod"}, "limit": {"2"}, "offset": {"0"}}, page(3, asset(123), asset(124))},
		{url.Values{"tags": {"prod"}, "limit": {"2"}, "offset": {"2"}}, page(3, asset(125))},
		{url.Values{"tags": {"prod"}, "limit": {"2"}, "offset": {"0"}, "uuids": {"00000000-0000-0000-0000-000000000123,00000000-0000-0000-0000-000000000124"}},
			page(2, asset(124), asset(123))},
		{url.Values{"tags": {"prod"}, "limit": {"1"}, "offset": {"0"}, "uuids": {"00000000-0000-0000-0000-000000000125"}}, page(0)},
	} {
		mt.RegisterResponderWithQuery(http.MethodGet, assetsURL, r.q, respond(t, wire{query: r.q}, 200, r.body))
	}
	var got []string
	for a, err := range c.Assets.All(context.Background(), &sekoia.AssetListOptions{Tags: []string{"prod"}, Limit: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, a.UUID[len(a.UUID)-3:])
	}
	if strings.Join(got, " ") != "123 124" {
		t.Errorf("All yielded %v, want [123 124]", got)
	}
	if n := mt.GetTotalCallCount(); n != 4 {
		t.Errorf("%d requests, want 4", n)
	}
}

// TestAssetsAllServerIgnoresUUIDs checks that a second pass answered with
// an asset not asked for fails instead of yielding it.
func TestAssetsAllServerIgnoresUUIDs(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t)
	item := string(fixture(t, "asset.json"))
	other := strings.Replace(item, assetUUID, "00000000-0000-0000-0000-000000000999", 1)
	mt.RegisterResponder(http.MethodGet, assetsURL, func(r *http.Request) (*http.Response, error) {
		if r.URL.Query().Has("uuids") {
			return httpmock.NewStringResponse(200, `{"total":1,"items":[`+other+`]}`), nil
		}
		return httpmock.NewStringResponse(200, `{"total":1,"items":[`+item+`]}`), nil
	})
	var err error
	for _, err = range c.Assets.All(context.Background(), nil) {
		if err != nil {
			break
		}
		t.Fatal("an asset yielded")
	}
	if !errors.Is(err, sekoia.ErrPaginationStalled) || !strings.Contains(err.Error(), "Assets.All") {
		t.Errorf("err = %v", err)
	}
}

func TestAssetsGetDecodes(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t)
	raw := fixture(t, "asset.json")
	mt.RegisterResponder(http.MethodGet, assetsURL+"/"+assetUUID, respond(t, wire{query: url.Values{"with_telemetry": {"true"}, "with_compliance": {"true"}}}, 200, raw))
	a, err := c.Assets.Get(context.Background(), assetUUID, &sekoia.AssetGetOptions{WithTelemetry: true, WithCompliance: true})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(sekoia.Atoms{"cidrv6": {}, "cidrv4": {"10.100.100.0/24"}, "asn": {"13336"}, "hostname": {"gw01"}}, a.Atoms); d != "" {
		t.Errorf("atoms (-want +got):\n%s", d)
	}
	if !a.CreatedAt.Equal(time.Date(2024, 10, 9, 17, 30, 11, 0, time.UTC)) || !a.FirstSeen.IsZero() || *a.Criticality != 10 || *a.NbAtoms != 1 {
		t.Errorf("asset = %+v", a)
	}
	if a.CategoryName() != "" || !strings.Contains(string(a.Category), "network devices") {
		t.Errorf("category = %s", a.Category)
	}
	if string(a.Raw) != string(bytes.TrimSpace(raw)) {
		t.Error("Raw is not the exact bytes")
	}
	var compact bytes.Buffer
	_ = json.Compact(&compact, raw)
	if out, _ := json.Marshal(a); string(out) != compact.String() {
		t.Error("MarshalJSON did not return the raw JSON")
	}
	if _, err := c.Assets.Get(context.Background(), "123", nil); err == nil || !strings.Contains(err.Error(), `uuid "123" is not a UUID`) {
		t.Errorf("err = %v", err)
	}
}

func TestAssetsCreateUpdateDeleteTagsWire(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t)
	ctx := context.Background()
	raw := fixture(t, "asset.json")
	mt.RegisterResponder(http.MethodPost, assetsURL, respond(t, wire{body: `{
		"community_uuid":"52bd045f-4199-4361-8267-cdebfc784392","name":"pc01","type":"host","description":"laptop",
		"category":"workstations","criticality":40,"atoms":{"hostname":["pc01"],"ipv4":["10.0.0.1"]},"tags":["finance"],
		"reviewed":true,"source":"import","props":{"os":"linux"}}`}, 200, raw))
	if _, err := c.Assets.Create(ctx, &sekoia.AssetCreate{
		CommunityUUID: "52bd045f-4199-4361-8267-cdebfc784392", Name: "pc01", Type: sekoia.AssetHost, Description: "laptop",
		Category: "workstations", Criticality: ptr(40), Atoms: sekoia.Atoms{"hostname": {"pc01"}, "ipv4": {"10.0.0.1"}},
		Tags: []string{"finance"}, Reviewed: true, Source: sekoia.AssetImport, Props: map[string]any{"os": "linux"},
	}); err != nil {
		t.Fatal(err)
	}
	mt.RegisterResponder(http.MethodPut, assetsURL+"/"+assetUUID, respond(t, wire{body: `{"name":"pc02","description":"","criticality":0,"tags":[],"revoked":true}`}, 200, raw))
	if _, err := c.Assets.Update(ctx, assetUUID, &sekoia.AssetUpdate{Name: "pc02", Description: ptr(""), Criticality: ptr(0), Tags: []string{}, Revoked: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	mt.RegisterResponder(http.MethodDelete, assetsURL+"/"+assetUUID, respond(t, wire{}, 204, nil))
	if err := c.Assets.Delete(ctx, assetUUID); err != nil {
		t.Fatal(err)
	}
	mt.RegisterResponder(http.MethodPost, assetsURL+"/"+assetUUID+"/tag/red%20team", respond(t, wire{}, 200, []byte("true")))
	if err := c.Assets.AddTag(ctx, assetUUID, "red team"); err != nil {
		t.Fatal(err)
	}
	mt.RegisterResponder(http.MethodDelete, assetsURL+"/"+assetUUID+"/tag/red%20team", respond(t, wire{}, 200, []byte("false")))
	if err := c.Assets.RemoveTag(ctx, assetUUID, "red team"); err == nil {
		t.Error("false answer not reported")
	}
	for name, a := range map[string]*sekoia.AssetCreate{
		"nil":         nil,
		"community":   {CommunityUUID: "x", Name: "pc", Type: sekoia.AssetHost},
		"name":        {CommunityUUID: assetUUID, Name: "p", Type: sekoia.AssetHost},
		"type":        {CommunityUUID: assetUUID, Name: "pc", Type: "server"},
		"criticality": {CommunityUUID: assetUUID, Name: "pc", Type: sekoia.AssetHost, Criticality: ptr(101)},
		"source":      {CommunityUUID: assetUUID, Name: "pc", Type: sekoia.AssetHost, Source: "cloud"},
	} {
		if _, err := c.Assets.Create(ctx, a); err == nil || !strings.HasPrefix(err.Error(), "sekoia: Assets.Create: ") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if err := c.Assets.AddTag(ctx, assetUUID, "a/b"); err == nil {
		t.Error("tag with slash accepted")
	}
	if _, err := c.Assets.Update(ctx, assetUUID, &sekoia.AssetUpdate{Type: "vm"}); err == nil {
		t.Error("bad type accepted")
	}
}
