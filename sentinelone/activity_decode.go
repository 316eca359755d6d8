package sentinelone

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"
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
	d := activityDecoders.Get().(*jsonscan.Decoder)
	defer activityDecoders.Put(d)
	d.Init(raw, true, 0)
	*a = Activity{}
	end, ok := jsonscan.Object(d, activityTable, a, d.Space(0))
	if !ok || d.Space(end) != len(raw) {
		d.Init(nil, true, 0) // drops the pointers into a
		return false
	}
	d.Flush()
	a.Raw = raw
	return true
}

// activityDecoders keeps the decoders (which hold pointers to the fields
// they fill, so that a stack one would move to the heap).
var activityDecoders = sync.Pool{New: func() any { return new(jsonscan.Decoder) }}

type activityField = jsonscan.Field[Activity]

func activityString(name string, f func(*Activity) *string) activityField {
	return activityField{Name: name, Set: func(d *jsonscan.Decoder, a *Activity, i int) (int, bool) {
		if d.Bytes()[i] == '"' || d.IsNull(i) {
			return d.String(f(a), i)
		}
		// An id sent as a number: nstring takes its digits.
		end, ok := d.Skip(i)
		var s nstring
		if !ok || s.UnmarshalJSON(d.Bytes()[i:end]) != nil {
			return 0, false
		}
		*f(a) = string(s)
		return end, true
	}}
}

func activityTime(name string, f func(*Activity) *time.Time) activityField {
	return activityField{Name: name, Set: func(d *jsonscan.Decoder, a *Activity, i int) (int, bool) {
		end, ok := d.Skip(i)
		var t Time
		if !ok || t.UnmarshalJSON(d.Bytes()[i:end]) != nil {
			return 0, false
		}
		*f(a) = t.Time
		return end, true
	}}
}

// activityTable is the field table of Activity.
var activityTable = jsonscan.NewTable(
	activityString("id", func(a *Activity) *string { return &a.ID }),
	activityString("activityUuid", func(a *Activity) *string { return &a.ActivityUUID }),
	activityField{Name: "activityType", Set: func(d *jsonscan.Decoder, a *Activity, i int) (int, bool) {
		n := int(a.ActivityType)
		end, ok := d.Int(&n, i)
		a.ActivityType = ActivityType(n)
		return end, ok
	}},
	activityTime("createdAt", func(a *Activity) *time.Time { return &a.CreatedAt }),
	activityTime("updatedAt", func(a *Activity) *time.Time { return &a.UpdatedAt }),
	activityString("primaryDescription", func(a *Activity) *string { return &a.PrimaryDescription }),
	activityString("secondaryDescription", func(a *Activity) *string { return &a.SecondaryDescription }),
	activityString("description", func(a *Activity) *string { return &a.Description }),
	activityString("comments", func(a *Activity) *string { return &a.Comments }),
	activityString("accountId", func(a *Activity) *string { return &a.AccountID }),
	activityString("accountName", func(a *Activity) *string { return &a.AccountName }),
	activityString("siteId", func(a *Activity) *string { return &a.SiteID }),
	activityString("siteName", func(a *Activity) *string { return &a.SiteName }),
	activityString("groupId", func(a *Activity) *string { return &a.GroupID }),
	activityString("groupName", func(a *Activity) *string { return &a.GroupName }),
	activityString("agentId", func(a *Activity) *string { return &a.AgentID }),
	activityString("userId", func(a *Activity) *string { return &a.UserID }),
	activityString("threatId", func(a *Activity) *string { return &a.ThreatID }),
	activityString("osFamily", func(a *Activity) *string { return &a.OSFamily }),
	activityString("hash", func(a *Activity) *string { return &a.Hash }),
	activityField{Name: "data", Set: func(d *jsonscan.Decoder, a *Activity, i int) (int, bool) {
		end, ok := d.Skip(i)
		if ok && !d.IsNull(i) {
			a.Data = json.RawMessage(d.Bytes()[i:end:end])
		}
		return end, ok
	}},
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
