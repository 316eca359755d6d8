package sekoia

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// AlertsService lists, reads, updates, comments and moves alerts through
// their workflow (/v1/sic/alerts). Get it from Client.Alerts.
type AlertsService struct{ c *Client }

// Alert is a Sekoia.io alert, as listed or read. Times are time.Time
// whatever form the API used (epoch seconds for created_at/updated_at,
// RFC 3339 for first_seen_at/last_seen_at); absent or null values are the
// zero value. Raw keeps the exact JSON the alert was decoded from, unknown
// fields included, and MarshalJSON returns it.
type Alert struct {
	UUID        string `json:"uuid"`
	ShortID     string `json:"short_id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Details     string `json:"details,omitempty"`

	CreatedAt     time.Time `json:"created_at,omitzero"`
	CreatedBy     string    `json:"created_by,omitempty"`
	CreatedByType string    `json:"created_by_type,omitempty"`
	UpdatedAt     time.Time `json:"updated_at,omitzero"`
	UpdatedBy     string    `json:"updated_by,omitempty"`
	UpdatedByType string    `json:"updated_by_type,omitempty"`
	FirstSeenAt   time.Time `json:"first_seen_at,omitzero"`
	LastSeenAt    time.Time `json:"last_seen_at,omitzero"`

	CommunityUUID string       `json:"community_uuid,omitempty"`
	Entity        *AlertEntity `json:"entity,omitempty"`
	Urgency       AlertUrgency `json:"urgency"`
	AlertType     AlertType    `json:"alert_type"`
	// Status is the legacy status (StatusPending …).
	Status           AlertStatus        `json:"status"`
	CustomStatusUUID string             `json:"custom_status_uuid,omitempty"`
	CustomStatus     *AlertCustomStatus `json:"custom_status,omitempty"`
	VerdictUUID      string             `json:"verdict_uuid,omitempty"`
	Verdict          *AlertVerdict      `json:"verdict,omitempty"`
	// Assignee is the UUID of the profile the alert is assigned to.
	Assignee string    `json:"assignee,omitempty"`
	Rule     AlertRule `json:"rule"`
	// DetectionType is "rule", "anomaly", "manual"… (empty when null).
	DetectionType string `json:"detection_type,omitempty"`
	// Source and Target are the IP or host names involved (empty when null).
	Source string `json:"source,omitempty"`
	Target string `json:"target,omitempty"`
	// Similar counts the occurrences merged into this alert.
	Similar          int       `json:"similar"`
	TTPs             []STIXRef `json:"ttps,omitempty"`
	Adversaries      []STIXRef `json:"adversaries,omitempty"`
	KillChainShortID string    `json:"kill_chain_short_id,omitempty"`
	// STIX is the STIX 2 bundle (only when listed or read with STIX true).
	STIX                   json.RawMessage `json:"stix,omitempty"`
	NumberOfUnseenComments int             `json:"number_of_unseen_comments"`
	NumberOfTotalComments  int             `json:"number_of_total_comments"`
	// Assets are asset UUIDs.
	Assets      []string `json:"assets,omitempty"`
	IntakeUUIDs []string `json:"intake_uuids,omitempty"`
	// The TimeTo fields are nil when the API sends null.
	TimeToDetect      *time.Duration     `json:"time_to_detect,omitempty"`
	TimeToAcknowledge *time.Duration     `json:"time_to_acknowledge,omitempty"`
	TimeToRespond     *time.Duration     `json:"time_to_respond,omitempty"`
	TimeToResolve     *time.Duration     `json:"time_to_resolve,omitempty"`
	Cases             []AlertCase        `json:"cases,omitempty"`
	CustomFields      []AlertCustomField `json:"custom_fields,omitempty"`

	// Comments, History and Countermeasures come with Get when asked for.
	Comments           []Comment         `json:"comments,omitempty"`
	History            []HistoryEntry    `json:"history,omitempty"`
	Countermeasures    []json.RawMessage `json:"countermeasures,omitempty"`
	SimilarityStrategy json.RawMessage   `json:"similarity_strategy,omitempty"`

	// Raw is the JSON the alert was decoded from. For an alert of List or
	// All it is a slice of the page's response body, shared with the
	// other alerts of the page (the slices do not overlap and their
	// capacity ends with the alert, so appending copies): an alert kept
	// keeps its page's memory alive. Copy Raw (bytes.Clone) to keep it
	// alone for long.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes an alert and keeps a copy of its raw bytes in Raw.
func (a *Alert) UnmarshalJSON(b []byte) error {
	w := new(alertWire)
	if err := json.Unmarshal(b, w); err != nil {
		return fmt.Errorf("sekoia: decode alert: %w", err)
	}
	*a = *w.finish(bytes.Clone(b))
	return nil
}

// MarshalJSON returns Raw when the alert was decoded from JSON, so that a
// forwarded alert keeps every byte; otherwise it encodes the fields in the
// API's own forms (epoch seconds for created_at/updated_at).
func (a Alert) MarshalJSON() ([]byte, error) {
	if len(a.Raw) > 0 {
		return a.Raw, nil
	}
	type plain Alert
	aux := struct {
		plain
		CreatedAt         epochTime `json:"created_at"`
		UpdatedAt         epochTime `json:"updated_at"`
		FirstSeenAt       isoTime   `json:"first_seen_at"`
		LastSeenAt        isoTime   `json:"last_seen_at"`
		TimeToDetect      *int64    `json:"time_to_detect"`
		TimeToAcknowledge *int64    `json:"time_to_acknowledge"`
		TimeToRespond     *int64    `json:"time_to_respond"`
		TimeToResolve     *int64    `json:"time_to_resolve"`
	}{
		plain:       plain(a),
		CreatedAt:   epochTime{a.CreatedAt},
		UpdatedAt:   epochTime{a.UpdatedAt},
		FirstSeenAt: isoTime{a.FirstSeenAt},
		LastSeenAt:  isoTime{a.LastSeenAt},
	}
	aux.TimeToDetect, aux.TimeToAcknowledge = toSeconds(a.TimeToDetect), toSeconds(a.TimeToAcknowledge)
	aux.TimeToRespond, aux.TimeToResolve = toSeconds(a.TimeToRespond), toSeconds(a.TimeToResolve)
	return json.Marshal(aux)
}

func toSeconds(d *time.Duration) *int64 {
	if d == nil {
		return nil
	}
	s := int64(*d / time.Second)
	return &s
}

// AlertEntity is the entity an alert belongs to.
type AlertEntity struct {
	UUID string `json:"uuid"`
	Name string `json:"name"`
}

// AlertUrgency is an alert's urgency. Display buckets Value: Low [0,20),
// Moderate [20,40), High [40,60), Major [60,80), Urgent [80,100].
type AlertUrgency struct {
	CurrentValue int    `json:"current_value"`
	Value        int    `json:"value"`
	Severity     int    `json:"severity"`
	Criticity    int    `json:"criticity"`
	Display      string `json:"display"`
}

// AlertType is an alert's type.
type AlertType struct {
	Category string `json:"category"`
	Value    string `json:"value"`
}

// AlertStatus is an alert's legacy status.
type AlertStatus struct {
	UUID        Status `json:"uuid"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// AlertCustomStatus is the custom status of an alert (Get with
// CustomStatus true).
type AlertCustomStatus struct {
	Label       string            `json:"label"`
	Description string            `json:"description,omitempty"`
	Level       int               `json:"level"`
	Stage       CustomStatusStage `json:"stage"`
}

// AlertVerdict is the verdict given to an alert.
type AlertVerdict struct {
	UUID          string `json:"uuid"`
	Label         string `json:"label,omitempty"`
	Description   string `json:"description,omitempty"`
	Level         int    `json:"level,omitempty"`
	Stage         string `json:"stage,omitempty"`
	Analysis      string `json:"analysis,omitempty"`
	Confidence    int    `json:"confidence,omitempty"`
	UpdatedBy     string `json:"updated_by,omitempty"`
	UpdatedByType string `json:"updated_by_type,omitempty"`
}

// AlertRule is the detection rule that raised an alert.
type AlertRule struct {
	UUID        string `json:"uuid"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Severity    int    `json:"severity"`
	Type        string `json:"type,omitempty"`
	// Pattern may be a STIX pattern.
	Pattern string `json:"pattern,omitempty"`
}

// STIXRef is a minimal STIX object (TTP or adversary) of an alert.
type STIXRef struct {
	ID          string `json:"id"`
	Type        string `json:"type"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// AlertCase is the summary of a case an alert belongs to (Cases true).
type AlertCase struct {
	ShortID          string    `json:"short_id"`
	Name             string    `json:"name,omitempty"`
	Title            string    `json:"title,omitempty"`
	IsSupplied       bool      `json:"is_supplied,omitempty"`
	Manual           bool      `json:"manual,omitempty"`
	Status           string    `json:"status,omitempty"`
	CustomStatusUUID string    `json:"custom_status_uuid,omitempty"`
	CreatedBy        string    `json:"created_by,omitempty"`
	CreatedByType    string    `json:"created_by_type,omitempty"`
	UpdatedAt        time.Time `json:"updated_at,omitzero"`
}

// UnmarshalJSON decodes a case summary, its time in any form.
func (c *AlertCase) UnmarshalJSON(b []byte) error {
	type plain AlertCase
	aux := struct {
		*plain
		UpdatedAt isoTime `json:"updated_at"`
	}{plain: (*plain)(c)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	c.UpdatedAt = aux.UpdatedAt.Time
	return nil
}

// AlertCustomField is a custom field value of an alert.
type AlertCustomField struct {
	UUID string `json:"uuid"`
	Name string `json:"name,omitempty"`
	Slug string `json:"slug,omitempty"`
	// Type is text, integer, boolean, single_select or multi_select.
	Type  string          `json:"type,omitempty"`
	Value json.RawMessage `json:"value,omitempty"`
}

// Comment is a comment on an alert.
type Comment struct {
	UUID    string `json:"uuid"`
	Content string `json:"content"`
	// Author is the display name given, or "<type>:<uuid>".
	Author        string    `json:"author"`
	Date          time.Time `json:"date,omitzero"`
	CreatedBy     string    `json:"created_by,omitempty"`
	CreatedByType string    `json:"created_by_type,omitempty"`
	Unseen        bool      `json:"unseen,omitempty"`
}

// UnmarshalJSON decodes a comment, its date in any form.
func (c *Comment) UnmarshalJSON(b []byte) error {
	type plain Comment
	aux := struct {
		*plain
		Date epochTime `json:"date"`
	}{plain: (*plain)(c)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	c.Date = aux.Date.Time
	return nil
}

// MarshalJSON encodes the comment with its date in epoch seconds.
func (c Comment) MarshalJSON() ([]byte, error) {
	type plain Comment
	return json.Marshal(struct {
		plain
		Date epochTime `json:"date"`
	}{plain(c), epochTime{c.Date}})
}

// HistoryEntry is one entry of an alert's change log.
type HistoryEntry struct {
	UUID          string    `json:"uuid"`
	CreatedAt     time.Time `json:"created_at,omitzero"`
	CreatedBy     string    `json:"created_by,omitempty"`
	CreatedByType string    `json:"created_by_type,omitempty"`
	// EntryType says which change this is: "alert" (status), "comment",
	// "urgency", "alert_type", "details", "kill_chain", "countermeasure"…
	EntryType string `json:"entry_type"`
	// Alert is set for a status change.
	Alert *HistoryStatusChange `json:"alert,omitempty"`
	// Urgency is set for an urgency change.
	Urgency *HistoryValueChange `json:"urgency,omitempty"`
	// Raw is the whole entry, for the change kinds not decoded here.
	Raw json.RawMessage `json:"-"`
}

// HistoryStatusChange is a status change in an alert's history.
type HistoryStatusChange struct {
	Status         string `json:"status"`
	PreviousStatus string `json:"previous_status,omitempty"`
}

// HistoryValueChange is a numeric change in an alert's history; Previous
// is nil for the first value.
type HistoryValueChange struct {
	Value         *int `json:"value"`
	PreviousValue *int `json:"previous_value"`
}

// UnmarshalJSON decodes an entry, its time in any form, keeping Raw.
func (h *HistoryEntry) UnmarshalJSON(b []byte) error {
	type plain HistoryEntry
	*h = HistoryEntry{}
	aux := struct {
		*plain
		CreatedAt epochTime `json:"created_at"`
	}{plain: (*plain)(h)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	h.CreatedAt = aux.CreatedAt.Time
	h.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// MarshalJSON returns Raw when the entry was decoded from JSON.
func (h HistoryEntry) MarshalJSON() ([]byte, error) {
	if len(h.Raw) > 0 {
		return h.Raw, nil
	}
	type plain HistoryEntry
	return json.Marshal(struct {
		plain
		CreatedAt epochTime `json:"created_at"`
	}{plain(h), epochTime{h.CreatedAt}})
}
