package sekoia_test

import (
	"encoding/json"
	"net/http"
	"testing"
)

// TestFixturesMatchSpec checks every fixture of testdata/ used by the
// alert, asset, community and kill chain tests against the response schema
// of its operation in openapi/sekoia.yaml.
func TestFixturesMatchSpec(t *testing.T) {
	t.Parallel()
	spec := specValidator(t)
	page := func(name string) []byte {
		b, _ := json.Marshal(map[string]any{"items": []json.RawMessage{fixture(t, name)}, "total": 1})
		return b
	}
	for _, tc := range []struct {
		method, path string
		status       int
		body         []byte
	}{
		{"GET", "/v1/sic/alerts", 200, fixture(t, "alerts_list.json")},
		{"GET", "/v1/sic/alerts/ALfghiw34ax", 200, fixture(t, "alert_detail.json")},
		{"PATCH", "/v1/sic/alerts/ALfghiw34ax", 200, fixture(t, "alert_detail.json")},
		{"GET", "/v1/sic/alerts/ALfghiw34ax/workflow", 200, fixture(t, "workflow_actions.json")},
		{"PATCH", "/v1/sic/alerts/ALfghiw34ax/workflow", 200, fixture(t, "workflow_actions.json")},
		{"GET", "/v1/sic/alerts/ALfghiw34ax/comments", 200, fixture(t, "comments.json")},
		{"POST", "/v1/sic/alerts/ALfghiw34ax/comments", 200, fixture(t, "comment.json")},
		{"GET", "/v1/sic/custom_statuses", 200, fixture(t, "custom_statuses.json")},
		{"GET", "/v1/sic/kill-chains", 200, page("killchain_stage.json")},
		{"GET", "/v1/sic/kill-chains/KCXKNfnJupq5", 200, fixture(t, "killchain_stage.json")},
		{"GET", "/v1/communities", 200, page("community.json")},
		{"GET", "/v1/communities/52bd045f-4199-4361-8267-cdebfc784392", 200, fixture(t, "community.json")},
		{"GET", "/v2/asset-management/assets", 200, page("asset.json")},
		{"GET", "/v2/asset-management/assets/00000000-0000-0000-0000-000000000123", 200, fixture(t, "asset.json")},
		{"GET", "/v1/auth/validate", 401, fixture(t, "auth_expired.json")},
		{"GET", "/v1/sic/alerts", 401, fixture(t, "auth_expired.json")},
	} {
		h := http.Header{"Content-Type": {"application/json"}}
		if err := spec.Response(tc.method, "https://api.sekoia.test/api"+tc.path, tc.status, h, tc.body); err != nil {
			t.Errorf("%s %s %d: %v", tc.method, tc.path, tc.status, err)
		}
	}
}
