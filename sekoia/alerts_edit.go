package sekoia

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/socgo/xdr/internal/argcheck"
	"github.com/socgo/xdr/internal/idcheck"
	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

// AlertGetOptions selects the parts of an alert Get returns. The SDK asks
// for none of the heavy parts unless set (the API's own default includes
// comments, history and countermeasures).
type AlertGetOptions struct {
	Comments        bool
	History         bool
	Countermeasures bool
	STIX            bool
	Cases           bool
	CustomStatus    bool
}

// Get returns one alert by UUID or short id ("ALL1A4SKUiU2").
//
// Get calls GET /v1/sic/alerts/{uuid} with comments, history and
// countermeasures set to the options (false by default), and stix, cases
// and custom_status when asked for.
func (s *AlertsService) Get(ctx context.Context, id string, opts *AlertGetOptions) (*Alert, error) {
	if err := checkAlertID("Alerts.Get", id); err != nil {
		return nil, err
	}
	var o AlertGetOptions
	if opts != nil {
		o = *opts
	}
	r, err := line("Alerts.Get")(wire.NewGetAlertRequest(id, &wire.GetAlertParams{
		Comments: &o.Comments, History: &o.History, Countermeasures: &o.Countermeasures,
		Stix: ptr(o.STIX), Cases: ptr(o.Cases), CustomStatus: ptr(o.CustomStatus),
	}))
	if err != nil {
		return nil, err
	}
	var a Alert
	if _, err := s.c.rest.Do(ctx, r, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// AlertUpdate is the change Update applies: only the fields set are sent.
type AlertUpdate struct {
	// AlertTypeCategory and AlertTypeValue (3..1000 characters) change the
	// type; the value is required with the category.
	AlertTypeCategory string `json:"alert_type_category,omitempty"`
	AlertTypeValue    string `json:"alert_type_value,omitempty"`
	// Details replaces the free text.
	Details string `json:"details,omitempty"`
	// Urgency sets the urgency (0..100).
	Urgency *int `json:"urgency,omitempty"`
	// KillChainShortID sets the kill-chain stage ("KCXKNfnJupq5").
	KillChainShortID string `json:"kill_chain_short_id,omitempty"`
	// Title replaces the title (at most 10000 characters).
	Title string `json:"title,omitempty"`
	// VerdictUUID sets the verdict.
	VerdictUUID string `json:"verdict_uuid,omitempty"`
	// CustomStatusUUID sets the custom status.
	CustomStatusUUID string `json:"custom_status_uuid,omitempty"`
	// Assignee assigns the alert to a profile UUID.
	Assignee string `json:"assignee,omitempty"`
}

func (u *AlertUpdate) check(method string) error {
	if u == nil || *u == (AlertUpdate{}) {
		return errors.New("sekoia: " + method + ": update is empty")
	}
	cat, val := utf8.RuneCountInString(u.AlertTypeCategory), utf8.RuneCountInString(u.AlertTypeValue)
	switch {
	case u.AlertTypeCategory != "" && (cat < 3 || cat > 1000):
		return fmt.Errorf("sekoia: %s: AlertTypeCategory must be 3..1000 characters", method)
	case u.AlertTypeValue != "" && (val < 3 || val > 1000):
		return fmt.Errorf("sekoia: %s: AlertTypeValue must be 3..1000 characters", method)
	case u.AlertTypeCategory != "" && u.AlertTypeValue == "":
		return fmt.Errorf("sekoia: %s: AlertTypeValue is required with AlertTypeCategory", method)
	case u.Urgency != nil && (*u.Urgency < 0 || *u.Urgency > 100):
		return fmt.Errorf("sekoia: %s: Urgency %d is out of range 0..100", method, *u.Urgency)
	case utf8.RuneCountInString(u.Title) > 10000:
		return fmt.Errorf("sekoia: %s: Title is longer than 10000 characters", method)
	case u.VerdictUUID != "" && !idcheck.IsUUID(u.VerdictUUID):
		return fmt.Errorf("sekoia: %s: VerdictUUID %q is not a UUID", method, argcheck.Short(u.VerdictUUID))
	case u.CustomStatusUUID != "" && !idcheck.IsUUID(u.CustomStatusUUID):
		return fmt.Errorf("sekoia: %s: CustomStatusUUID %q is not a UUID", method, argcheck.Short(u.CustomStatusUUID))
	case u.Assignee != "" && !idcheck.IsUUID(u.Assignee):
		return fmt.Errorf("sekoia: %s: Assignee %q is not a UUID", method, argcheck.Short(u.Assignee))
	}
	return nil
}

// Update changes the fields of an alert set in u and returns the alert.
//
// Update calls PATCH /v1/sic/alerts/{uuid}.
func (s *AlertsService) Update(ctx context.Context, id string, u *AlertUpdate) (*Alert, error) {
	const method = "Alerts.Update"
	if err := checkAlertID(method, id); err != nil {
		return nil, err
	}
	if err := u.check(method); err != nil {
		return nil, err
	}
	return s.patch(ctx, method, id, u)
}

func (s *AlertsService) patch(ctx context.Context, method, id string, u *AlertUpdate) (*Alert, error) {
	r, err := line(method)(wire.NewUpdateAlertRequest(id))
	if err != nil {
		return nil, err
	}
	r.Body = u
	var a Alert
	if _, err := s.c.rest.Do(ctx, r, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// Delete deletes an alert (everything but its eternal events).
//
// Delete calls DELETE /v1/sic/alerts/{uuid}.
func (s *AlertsService) Delete(ctx context.Context, id string) error {
	if err := checkAlertID("Alerts.Delete", id); err != nil {
		return err
	}
	r, err := line("Alerts.Delete")(wire.NewDeleteAlertRequest(id))
	if err != nil {
		return err
	}
	_, err = s.c.rest.Do(ctx, r, nil)
	return err
}
