package sekoia

import (
	"fmt"
	"strings"

	"github.com/socgo/xdr/internal/argcheck"
)

// The typed values of cases: statuses, priorities, verdicts, sort keys.

// legacyStage maps a legacy case status name to a stage, "" when unknown.
func legacyStage(name string) CustomStatusStage {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "opened", "open":
		return StageOpen
	case "in_progress", "in progress":
		return StageInProgress
	case "closed":
		return StageClosed
	}
	return ""
}

// CaseStatus is the status of a case: a legacy status (status_uuid) or a
// custom status of the community (custom_status_uuid), its name and the
// stage it belongs to (open, in progress, closed).
type CaseStatus struct {
	UUID  string
	Name  string
	Stage CustomStatusStage
	// Custom reports a custom status.
	Custom bool
}

// String returns the status's name, or its UUID when it has none.
func (s CaseStatus) String() string {
	if s.Name != "" {
		return s.Name
	}
	return s.UUID
}

// Closed reports whether the status is in the closed stage.
func (s CaseStatus) Closed() bool { return s.Stage == StageClosed }

// CasePriority is the built-in priority of a case. Custom priorities are
// set with CustomPriorityUUID.
type CasePriority string

// The built-in case priorities.
const (
	CasePriorityLow    CasePriority = "low"
	CasePriorityMedium CasePriority = "medium"
	CasePriorityHigh   CasePriority = "high"
)

// String returns the priority as sent.
func (p CasePriority) String() string { return string(p) }

// Valid reports whether p is one of the three built-in priorities.
func (p CasePriority) Valid() bool {
	return p == CasePriorityLow || p == CasePriorityMedium || p == CasePriorityHigh
}

func (p CasePriority) check(method, field string) error {
	if p != "" && !p.Valid() {
		return fmt.Errorf("sekoia: %s: %s %q is not low, medium or high", method, field, argcheck.Short(string(p)))
	}
	return nil
}

// CaseSubscriber is a profile following a case.
type CaseSubscriber struct {
	AvatarUUID string `json:"avatar_uuid"`
	// Type is the role of the subscriber ("assignee" …).
	Type string `json:"type"`
}

// CaseVerdict is the verdict given to a case (a custom verdict of the
// community).
type CaseVerdict struct {
	UUID          string       `json:"uuid"`
	Label         string       `json:"label,omitempty"`
	Description   string       `json:"description,omitempty"`
	Level         int          `json:"level,omitempty"`
	Stage         VerdictStage `json:"stage,omitempty"`
	Analysis      string       `json:"analysis,omitempty"`
	Confidence    int          `json:"confidence,omitempty"`
	UpdatedBy     string       `json:"updated_by,omitempty"`
	UpdatedByType string       `json:"updated_by_type,omitempty"`
}

// String returns the verdict's label, or its UUID.
func (v CaseVerdict) String() string {
	if v.Label != "" {
		return v.Label
	}
	return v.UUID
}

// CaseCustomStatus is the custom status of a case.
type CaseCustomStatus struct {
	Label       string            `json:"label"`
	Description string            `json:"description"`
	Level       int               `json:"level"`
	Stage       CustomStatusStage `json:"stage"`
}

// String returns the status's label.
func (s CaseCustomStatus) String() string { return s.Label }

// CaseCustomPriority is the custom priority of a case.
type CaseCustomPriority struct {
	Label       string `json:"label"`
	Description string `json:"description"`
	Level       int    `json:"level"`
	Color       string `json:"color"`
}

// String returns the priority's label.
func (p CaseCustomPriority) String() string { return p.Label }

// CaseSort is a sort key of the case list.
type CaseSort string

// The case sort keys.
const (
	CaseSortCreatedAt CaseSort = "created_at"
	CaseSortTitle     CaseSort = "title"
)

// String returns the key as sent.
func (s CaseSort) String() string { return string(s) }

// CaseType is how a case was made.
type CaseType string

// The case types.
const (
	CaseAutomatic CaseType = "automatic"
	CaseManual    CaseType = "manual"
)

// String returns the type as sent.
func (t CaseType) String() string { return string(t) }
