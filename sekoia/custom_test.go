package sekoia_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/socgo/xdr/sekoia"
)

// The custom verdict and priority lists send with_is_used=false when asked
// (the server's default is true), as CustomStatuses does.
func TestCustomLevelsWithIsUsedFalse(t *testing.T) {
	t.Parallel()
	no := false
	for _, tc := range []struct {
		path string
		list func(ctx context.Context, c *sekoia.Client, o *sekoia.CustomLevelListOptions) error
	}{
		{"/v1/sic/custom_verdicts", func(ctx context.Context, c *sekoia.Client, o *sekoia.CustomLevelListOptions) error {
			_, err := c.CustomVerdicts.List(ctx, o)
			return err
		}},
		{"/v1/sic/custom_priorities", func(ctx context.Context, c *sekoia.Client, o *sekoia.CustomLevelListOptions) error {
			_, err := c.CustomPriorities.List(ctx, o)
			return err
		}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			t.Parallel()
			c, mt := mockAPI(t)
			mt.RegisterResponder(http.MethodGet, apiBase+tc.path,
				respond(t, wire{query: url.Values{"with_is_used": {"false"}, "limit": {"5"}}}, 200, []byte(`{"items":[],"total":0}`)))
			if err := tc.list(context.Background(), c, &sekoia.CustomLevelListOptions{WithIsUsed: &no, Limit: 5}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// The custom field list sorts by name, created_at or updated_at only: any
// other key is refused before a request, naming the argument.
func TestCustomFieldsSortChecked(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t)
	ctx := context.Background()
	_, err := c.CustomFields.List(ctx, &sekoia.CustomFieldListOptions{Sort: "title"})
	if err == nil || !strings.Contains(err.Error(), "CustomFields.List: Sort") {
		t.Errorf("sort title: %v", err)
	}
	mt.RegisterResponder(http.MethodGet, apiBase+"/v1/sic/custom-fields",
		respond(t, wire{query: url.Values{"sort": {"updated_at"}, "direction": {"desc"}}}, 200, []byte(`{"items":[],"total":0}`)))
	if _, err := c.CustomFields.List(ctx, &sekoia.CustomFieldListOptions{Sort: sekoia.CustomFieldSortUpdatedAt, Direction: sekoia.Descending}); err != nil {
		t.Fatal(err)
	}
}

// The fake answers as the API does: the last custom verdict or priority
// cannot be deleted (400), the field list pages 100 by default, sorts by
// name unless told, and refuses an unknown sort key.
func TestFakeCustomObjectsRules(t *testing.T) {
	t.Parallel()
	srv, c := fakeAPI(t)
	ctx := context.Background()
	v1 := srv.AddCustomVerdict(sekoia.CustomVerdict{Label: "Benign", Stage: sekoia.VerdictFalsePositive})
	v2 := srv.AddCustomVerdict(sekoia.CustomVerdict{Label: "Malicious", Stage: sekoia.VerdictTruePositive})
	if err := c.CustomVerdicts.Delete(ctx, v1.UUID); err != nil {
		t.Fatal(err)
	}
	var apiErr *sekoia.APIError
	if err := c.CustomVerdicts.Delete(ctx, v2.UUID); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
		t.Errorf("deleting the last verdict: %v, want a 400", err)
	}
	p := srv.AddCustomPriority(sekoia.CustomPriority{Label: "P1", Color: "#d63939"})
	if err := c.CustomPriorities.Delete(ctx, p.UUID); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
		t.Errorf("deleting the last priority: %v, want a 400", err)
	}

	for _, name := range []string{"zeta", "alpha", "mu"} {
		srv.AddCustomField(sekoia.CustomField{Name: name, Type: sekoia.FieldText})
	}
	for i := range 30 {
		srv.AddCustomField(sekoia.CustomField{Name: "n" + string(rune('a'+i%26)) + string(rune('a'+i/26)), Type: sekoia.FieldText})
	}
	page, err := c.CustomFields.List(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 33 || page.Items[0].Name != "alpha" || page.Items[32].Name != "zeta" {
		t.Errorf("default page: %d items, first %q", len(page.Items), page.Items[0].Name)
	}
	if _, err := c.CustomFields.List(ctx, &sekoia.CustomFieldListOptions{Sort: sekoia.CustomFieldSortCreatedAt}); err != nil {
		t.Errorf("sort created_at: %v", err)
	}
	// A raw request with an unknown sort key is refused by the fake.
	if got := rawStatus(t, srv, http.MethodGet, "/v1/sic/custom-fields?sort=title", ""); got != http.StatusBadRequest {
		t.Errorf("sort=title: status %d, want 400", got)
	}
}

// The fake refuses, as the API does, a custom field value of the wrong
// type or outside a select field's options, and options on a field that
// is not a select.
func TestFakeCustomFieldValuesTyped(t *testing.T) {
	t.Parallel()
	srv, c := fakeAPI(t)
	ctx := context.Background()
	a := srv.SeedAlerts(1)[0]
	text := srv.AddCustomField(sekoia.CustomField{Name: "Ticket", Type: sekoia.FieldText})
	num := srv.AddCustomField(sekoia.CustomField{Name: "Score", Type: sekoia.FieldInteger})
	flag := srv.AddCustomField(sekoia.CustomField{Name: "Escalated", Type: sekoia.FieldBoolean})
	one, err := c.CustomFields.Create(ctx, sekoia.CustomFieldCreate{Name: "Team", Type: sekoia.FieldSingleSelect, Options: []string{"red", "blue"}})
	if err != nil {
		t.Fatal(err)
	}
	many, err := c.CustomFields.Create(ctx, sekoia.CustomFieldCreate{Name: "Tags", Type: sekoia.FieldMultiSelect, Options: []string{"a", "b"}})
	if err != nil {
		t.Fatal(err)
	}
	ok := []sekoia.CustomFieldValue{
		{UUID: text.UUID, Value: "T-1"}, {UUID: num.UUID, Value: 42}, {UUID: flag.UUID, Value: true},
		{UUID: one.UUID, Value: "red"}, {UUID: many.UUID, Value: []string{"a", "b"}},
	}
	if got, err := c.Alerts.SetCustomFields(ctx, a.UUID, ok); err != nil || len(got) != 5 {
		t.Fatalf("valid values: %v, %v", got, err)
	}
	var apiErr *sekoia.APIError
	for name, v := range map[string]sekoia.CustomFieldValue{
		"number into text":      {UUID: text.UUID, Value: 42},
		"fraction into integer": {UUID: num.UUID, Value: 1.5},
		"string into boolean":   {UUID: flag.UUID, Value: "yes"},
		"unknown option":        {UUID: one.UUID, Value: "green"},
		"list into single":      {UUID: one.UUID, Value: []string{"red"}},
		"unknown options":       {UUID: many.UUID, Value: []string{"a", "z"}},
	} {
		if _, err := c.Alerts.SetCustomFields(ctx, a.UUID, []sekoia.CustomFieldValue{v}); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %v, want a 400", name, err)
		}
	}
	// Clearing a value is always allowed.
	if _, err := c.Alerts.SetCustomFields(ctx, a.UUID, []sekoia.CustomFieldValue{{UUID: one.UUID, Value: nil}}); err != nil {
		t.Errorf("clear: %v", err)
	}
	if _, err := c.CustomFields.Update(ctx, text.UUID, sekoia.CustomFieldUpdate{Options: []string{"x"}}); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
		t.Errorf("options on a text field: %v, want a 400", err)
	}
}

// An empty, non-nil Options is refused before a request: omitted from the
// body, it made an empty PATCH that passed the "update is empty" check.
func TestCustomFieldsUpdateEmptyOptions(t *testing.T) {
	t.Parallel()
	c, _ := mockAPI(t) // any request fails the test
	_, err := c.CustomFields.Update(context.Background(), "3c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", sekoia.CustomFieldUpdate{Options: []string{}})
	if err == nil || !strings.Contains(err.Error(), "CustomFields.Update: Options") {
		t.Errorf("err = %v, want one naming Options", err)
	}
}

// A blank or repeated option is refused before a request, naming it.
func TestCustomFieldsOptionsChecked(t *testing.T) {
	t.Parallel()
	c, _ := mockAPI(t) // any request fails the test
	ctx := context.Background()
	_, err := c.CustomFields.Create(ctx, sekoia.CustomFieldCreate{Name: "Team", Type: sekoia.FieldSingleSelect, Options: []string{"red", " "}})
	if err == nil || !strings.Contains(err.Error(), "CustomFields.Create: Options[1]") {
		t.Errorf("blank option: %v", err)
	}
	_, err = c.CustomFields.Update(ctx, "3c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", sekoia.CustomFieldUpdate{Options: []string{"red", "blue", "red"}})
	if err == nil || !strings.Contains(err.Error(), "CustomFields.Update: Options[2]") {
		t.Errorf("repeated option: %v", err)
	}
}
