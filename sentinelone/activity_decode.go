package sentinelone

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/socgo/xdr/internal/jsonscan"
)

// Activities are the bulk of what a collector moves, so their decoding
// avoids the second validation and reflection pass of json.Unmarshal: the
// object's top-level members are walked once (encoding/json has validated
// the bytes before it calls UnmarshalJSON) and only the known fields are
// converted. Anything unusual (escaped keys, keys differing only in case
// from a known one, numbers that are not plain integers, bad bytes from a
// direct call) falls back to json.Unmarshal, so the result is always the
// one encoding/json gives.

// decodeActivityFast fills a from a copy of b, which it keeps as Raw; it
// reports false when b needs the general decoder.
func decodeActivityFast(b []byte, a *Activity) bool {
	return decodeActivityShared(bytes.Clone(b), a)
}

// decodeActivityShared fills a from raw, which it keeps as Raw without
// copying it (Data is a slice of it too), with one pass of the module's
// field-table decoder (internal/jsonscan); the string fields share one
// allocation. It reports false when raw needs the general decoder.
func decodeActivityShared(raw []byte, a *Activity) bool {
	var d jsonscan.Decoder
	d.Init(raw, true, 0)
	*a = Activity{}
	end, ok := jsonscan.Object(&d, activityTable, a, d.Space(0))
	if !ok || d.Space(end) != len(raw) {
		return false
	}
	d.Flush()
	a.Raw = raw
	return true
}

// timeField is a time member of a field table, decoded as Time decodes
// it.
func timeField[T any](name string, f func(*T) *time.Time) jsonscan.Field[T] {
	return jsonscan.Value(name, func(v *T, b []byte, i int) (int, bool) {
		end, ok := jsonscan.ValueEnd(b, i)
		var t Time
		if !ok || t.UnmarshalJSON(b[i:end]) != nil {
			return 0, false
		}
		*f(v) = t.Time
		return end, true
	})
}

// activityTable is the field table of Activity. A string field sent as
// something else than a string or null (an id as a number) gives the
// activity to the general decoder.
var activityTable = jsonscan.NewTable(
	jsonscan.String("id", func(a *Activity) *string { return &a.ID }),
	jsonscan.String("activityUuid", func(a *Activity) *string { return &a.ActivityUUID }),
	jsonscan.Int("activityType", func(a *Activity) *int { return (*int)(&a.ActivityType) }),
	timeField("createdAt", func(a *Activity) *time.Time { return &a.CreatedAt }),
	timeField("updatedAt", func(a *Activity) *time.Time { return &a.UpdatedAt }),
	jsonscan.String("primaryDescription", func(a *Activity) *string { return &a.PrimaryDescription }),
	jsonscan.String("secondaryDescription", func(a *Activity) *string { return &a.SecondaryDescription }),
	jsonscan.String("description", func(a *Activity) *string { return &a.Description }),
	jsonscan.String("comments", func(a *Activity) *string { return &a.Comments }),
	jsonscan.String("accountId", func(a *Activity) *string { return &a.AccountID }),
	jsonscan.String("accountName", func(a *Activity) *string { return &a.AccountName }),
	jsonscan.String("siteId", func(a *Activity) *string { return &a.SiteID }),
	jsonscan.String("siteName", func(a *Activity) *string { return &a.SiteName }),
	jsonscan.String("groupId", func(a *Activity) *string { return &a.GroupID }),
	jsonscan.String("groupName", func(a *Activity) *string { return &a.GroupName }),
	jsonscan.String("agentId", func(a *Activity) *string { return &a.AgentID }),
	jsonscan.String("userId", func(a *Activity) *string { return &a.UserID }),
	jsonscan.String("threatId", func(a *Activity) *string { return &a.ThreatID }),
	jsonscan.String("osFamily", func(a *Activity) *string { return &a.OSFamily }),
	jsonscan.String("hash", func(a *Activity) *string { return &a.Hash }),
	jsonscan.Value("data", func(a *Activity, b []byte, i int) (int, bool) {
		end, ok := jsonscan.ValueEnd(b, i) // b is valid JSON
		if ok && !jsonscan.IsNull(b, i) {
			a.Data = json.RawMessage(b[i:end:end])
		}
		return end, ok
	}),
)

// decodeActivitySlow is the general decoder.
func decodeActivitySlow(b []byte, a *Activity) error {
	var v activityJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("sentinelone: decode activity: %w", err)
	}
	raw := bytes.Clone(b)
	*a = Activity{
		ID: string(v.ID), ActivityUUID: string(v.ActivityUUID), ActivityType: v.ActivityType,
		CreatedAt: v.CreatedAt.Time, UpdatedAt: v.UpdatedAt.Time,
		PrimaryDescription: string(v.PrimaryDescription), SecondaryDescription: string(v.SecondaryDescription),
		Description: string(v.Description), Comments: string(v.Comments),
		AccountID: string(v.AccountID), AccountName: string(v.AccountName),
		SiteID: string(v.SiteID), SiteName: string(v.SiteName),
		GroupID: string(v.GroupID), GroupName: string(v.GroupName),
		AgentID: string(v.AgentID), UserID: string(v.UserID), ThreatID: string(v.ThreatID),
		OSFamily: string(v.OSFamily), Hash: string(v.Hash),
		Raw: raw,
	}
	if len(v.Data) > 0 && !bytes.Equal(v.Data, []byte("null")) {
		a.Data = v.Data
	}
	return nil
}
