package sekoia_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
)

// The comment list of a countermeasure or an action step writes each
// comment's time as created_at (RFC 3339), not as the epoch date of alert
// comments: Comment.Date must come from it.
func TestCountermeasureCommentListDate(t *testing.T) {
	t.Parallel()
	const (
		cm   = "5f2b1c9d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"
		item = `{"uuid":"` + fixedComment + `","content":"done","author":"soc","created_at":"2026-01-05T09:00:00Z",` +
			`"updated_at":"2026-01-05T09:30:00Z","created_by":"a9","created_by_type":"apikey","type":"countermeasure_comment"}`
	)
	want := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, path string
		list       func(ctx context.Context, c *sekoia.Client) (*sekoia.Page[sekoia.Comment], error)
	}{
		{"countermeasure", "/v1/sic/alerts/countermeasures/" + cm + "/comments", func(ctx context.Context, c *sekoia.Client) (*sekoia.Page[sekoia.Comment], error) {
			return c.Countermeasures.ListComments(ctx, cm, nil)
		}},
		{"step", "/v1/sic/alerts/countermeasures/" + cm + "/isolate/comments", func(ctx context.Context, c *sekoia.Client) (*sekoia.Page[sekoia.Comment], error) {
			return c.Countermeasures.ListStepComments(ctx, cm, "isolate", nil)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := mockAPI(t)
			mt.RegisterResponder(http.MethodGet, apiBase+tc.path, respond(t, wire{}, 200, []byte(`{"items":[`+item+`],"total":1}`)))
			p, err := tc.list(context.Background(), c)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Items) != 1 || !p.Items[0].Date.Equal(want) || p.Items[0].Content != "done" || p.Items[0].CreatedBy != "a9" {
				t.Errorf("page = %+v, want one comment dated %v", p, want)
			}
		})
	}
}

// The fake lists the comments of a countermeasure as the API does (each
// with its created_at), and the client reads their dates.
func TestFakeCountermeasureCommentDates(t *testing.T) {
	t.Parallel()
	srv, c := fakeAPI(t)
	ctx := context.Background()
	a := srv.SeedAlerts(1)[0]
	cm, _ := srv.AddCountermeasure(a.UUID, sekoia.Countermeasure{Name: "Isolate the host", ActionSteps: []sekoia.ActionStep{{Name: "isolate"}}})
	added, err := c.Countermeasures.AddComment(ctx, cm.UUID, sekoia.NewComment{Content: "looking"})
	if err != nil {
		t.Fatal(err)
	}
	if added.Date.IsZero() {
		t.Error("AddComment: Date is zero")
	}
	if _, err := c.Countermeasures.AddStepComment(ctx, cm.UUID, "isolate", sekoia.NewComment{Content: "step"}); err != nil {
		t.Fatal(err)
	}
	p, err := c.Countermeasures.ListComments(ctx, cm.UUID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 1 || !p.Items[0].Date.Equal(added.Date) {
		t.Errorf("ListComments = %+v, want the comment dated %v", p.Items, added.Date)
	}
	sp, err := c.Countermeasures.ListStepComments(ctx, cm.UUID, "isolate", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(sp.Items) != 1 || sp.Items[0].Date.IsZero() {
		t.Errorf("ListStepComments = %+v, want one dated comment", sp.Items)
	}
	// The comments embedded in the countermeasure keep their epoch date.
	got, err := c.Countermeasures.ListForAlert(ctx, a.UUID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Items) != 1 || len(got.Items[0].Comments) != 1 || !got.Items[0].Comments[0].Date.Equal(added.Date) {
		t.Errorf("embedded comments = %+v", got.Items)
	}
}

// A step named "." or ".." would make a path that resolves to another
// route (…/{uuid}/../ is the countermeasure list): refused before any
// request, naming the argument.
func TestCountermeasureStepDotSegments(t *testing.T) {
	t.Parallel()
	const cm = "5f2b1c9d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"
	c, _ := mockAPI(t) // any request fails the test
	ctx := context.Background()
	for _, step := range []string{".", ".."} {
		calls := map[string]error{}
		_, calls["GetStep"] = c.Countermeasures.GetStep(ctx, cm, step)
		_, calls["UpdateStep"] = c.Countermeasures.UpdateStep(ctx, cm, step, "x")
		calls["DeleteStep"] = c.Countermeasures.DeleteStep(ctx, cm, step)
		_, calls["ActivateStep"] = c.Countermeasures.ActivateStep(ctx, cm, step, nil)
		_, calls["DenyStep"] = c.Countermeasures.DenyStep(ctx, cm, step, nil)
		_, calls["ListStepComments"] = c.Countermeasures.ListStepComments(ctx, cm, step, nil)
		_, calls["AddStepComment"] = c.Countermeasures.AddStepComment(ctx, cm, step, sekoia.NewComment{Content: "x"})
		for name, err := range calls {
			if err == nil || !strings.Contains(err.Error(), "Countermeasures."+name+": step") {
				t.Errorf("%s(%q): %v, want an error naming step", name, step, err)
			}
		}
	}
}

// The fake's case countermeasures belong to a case it holds: an unknown
// case answers 404, and the case's UUID and short id name the same list.
func TestFakeCaseCountermeasures(t *testing.T) {
	t.Parallel()
	srv, c := fakeAPI(t)
	ctx := context.Background()
	const unknown = "9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e"
	if _, err := c.Countermeasures.ListForCase(ctx, unknown, nil); !errors.Is(err, sekoia.ErrNotFound) {
		t.Errorf("list of an unknown case: %v, want ErrNotFound", err)
	}
	if _, err := c.Countermeasures.AddToCase(ctx, unknown, sekoia.NewCountermeasure{Name: "Rotate keys"}); !errors.Is(err, sekoia.ErrNotFound) {
		t.Errorf("add to an unknown case: %v, want ErrNotFound", err)
	}
	if _, ok := srv.AddCaseCountermeasure(unknown, sekoia.Countermeasure{Name: "x"}); ok {
		t.Error("AddCaseCountermeasure of an unknown case reported true")
	}
	cs := srv.AddCase(sekoia.Case{Title: "Phishing wave"})
	seeded, ok := srv.AddCaseCountermeasure(cs.ShortID, sekoia.Countermeasure{Name: "Block the sender"})
	if !ok || seeded.CaseUUID != cs.UUID {
		t.Fatalf("AddCaseCountermeasure = %+v, %v", seeded, ok)
	}
	added, err := c.Countermeasures.AddToCase(ctx, cs.UUID, sekoia.NewCountermeasure{Name: "Rotate keys"})
	if err != nil {
		t.Fatal(err)
	}
	if added.CaseUUID != cs.UUID {
		t.Errorf("CaseUUID = %q, want %q", added.CaseUUID, cs.UUID)
	}
	for _, id := range []string{cs.UUID, cs.ShortID} {
		p, err := c.Countermeasures.ListForCase(ctx, id, nil)
		if err != nil || len(p.Items) != 2 {
			t.Errorf("ListForCase(%s) = %+v, %v, want both countermeasures", id, p, err)
		}
	}
}

// The fake refuses a countermeasure comment whose author is longer than 32
// characters (400), as it does for alert comments and as the client does.
func TestFakeCountermeasureCommentAuthor(t *testing.T) {
	t.Parallel()
	srv, _ := fakeAPI(t)
	a := srv.SeedAlerts(1)[0]
	cm, _ := srv.AddCountermeasure(a.UUID, sekoia.Countermeasure{Name: "Isolate", ActionSteps: []sekoia.ActionStep{{Name: "isolate"}}})
	long := strings.Repeat("a", 33)
	for _, tc := range []struct{ method, path, body string }{
		{http.MethodPost, "/comments", `{"content":"x","author":"` + long + `"}`},
		{http.MethodPost, "/isolate/comments", `{"content":"x","author":"` + long + `"}`},
		{http.MethodPatch, "/activate", `{"comment":{"content":"x","author":"` + long + `"}}`},
		{http.MethodPatch, "/isolate/deny", `{"comment":{"content":"x","author":"` + long + `"}}`},
	} {
		if got := rawStatus(t, srv, tc.method, "/v1/sic/alerts/countermeasures/"+cm.UUID+tc.path, tc.body); got != http.StatusBadRequest {
			t.Errorf("%s %s: status %d, want 400", tc.method, tc.path, got)
		}
	}
	if got, _ := srv.Countermeasure(cm.UUID); got.Activated() || got.ActionSteps[0].Denied() {
		t.Error("a refused decision was applied")
	}
}

// A step name is limited to 256 characters, not bytes.
func TestCountermeasureStepNameLength(t *testing.T) {
	t.Parallel()
	const cm = "5f2b1c9d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"
	c, mt := mockAPI(t)
	name := strings.Repeat("é", 200)
	mt.RegisterResponder(http.MethodGet, apiBase+"/v1/sic/alerts/countermeasures/"+cm+"/"+url.PathEscape(name)+"/",
		respond(t, wire{}, 200, []byte(`{"uuid":"7a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d","name":"x"}`)))
	if _, err := c.Countermeasures.GetStep(context.Background(), cm, name); err != nil {
		t.Errorf("200-character name: %v", err)
	}
	if _, err := c.Countermeasures.GetStep(context.Background(), cm, strings.Repeat("é", 257)); err == nil {
		t.Error("257-character name accepted")
	}
}

// rawStatus sends a request the client would refuse to send straight to
// the fake, with its API key, and returns the answer's status.
func rawStatus(t *testing.T, srv *sekoiatest.Server, method, path, body string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+srv.APIKey())
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
