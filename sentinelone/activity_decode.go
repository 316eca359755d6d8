package sentinelone

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

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
// copying it (Data is a slice of it too). The string fields share one
// allocation. It reports false when raw needs the general decoder.
func decodeActivityShared(raw []byte, a *Activity) bool {
	i := jsonscan.SkipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return false
	}
	i = jsonscan.SkipSpace(raw, i+1)
	var out Activity
	var strs pendingStrings
	if i < len(raw) && raw[i] == '}' {
		i++
	} else {
		for {
			if i >= len(raw) || raw[i] != '"' {
				return false
			}
			kend, ok := jsonscan.StringEnd(raw, i)
			if !ok {
				return false
			}
			key := raw[i+1 : kend-1]
			if bytes.IndexByte(key, '\\') >= 0 {
				return false
			}
			i = jsonscan.SkipSpace(raw, kend)
			if i >= len(raw) || raw[i] != ':' {
				return false
			}
			i = jsonscan.SkipSpace(raw, i+1)
			vend, ok := jsonscan.ValueEnd(raw, i)
			if !ok {
				return false
			}
			if !out.setField(string(key), raw[i:vend:vend], &strs) {
				return false
			}
			i = jsonscan.SkipSpace(raw, vend)
			if i < len(raw) && raw[i] == ',' {
				i = jsonscan.SkipSpace(raw, i+1)
				continue
			}
			if i < len(raw) && raw[i] == '}' {
				i++
				break
			}
			return false
		}
	}
	if jsonscan.SkipSpace(raw, i) != len(raw) {
		return false
	}
	strs.apply(&out)
	out.Raw = raw
	*a = out
	return true
}

// The string fields of Activity, as setField names them.
const (
	fID = iota
	fActivityUUID
	fPrimaryDescription
	fSecondaryDescription
	fDescription
	fComments
	fAccountID
	fAccountName
	fSiteID
	fSiteName
	fGroupID
	fGroupName
	fAgentID
	fUserID
	fThreatID
	fOSFamily
	fHash
)

func (a *Activity) stringField(f uint8) *string {
	switch f {
	case fID:
		return &a.ID
	case fActivityUUID:
		return &a.ActivityUUID
	case fPrimaryDescription:
		return &a.PrimaryDescription
	case fSecondaryDescription:
		return &a.SecondaryDescription
	case fDescription:
		return &a.Description
	case fComments:
		return &a.Comments
	case fAccountID:
		return &a.AccountID
	case fAccountName:
		return &a.AccountName
	case fSiteID:
		return &a.SiteID
	case fSiteName:
		return &a.SiteName
	case fGroupID:
		return &a.GroupID
	case fGroupName:
		return &a.GroupName
	case fAgentID:
		return &a.AgentID
	case fUserID:
		return &a.UserID
	case fThreatID:
		return &a.ThreatID
	case fOSFamily:
		return &a.OSFamily
	default:
		return &a.Hash
	}
}

// pendingStrings gathers the string members of one object, in order, so
// that they are made into strings with a single allocation.
type pendingStrings struct {
	n    int
	size int
	list [24]struct {
		field uint8
		text  []byte // nil for ""
	}
}

// add records that field has text; false when too many members repeat.
func (p *pendingStrings) add(field uint8, text []byte) bool {
	if p.n == len(p.list) {
		return false
	}
	p.list[p.n].field, p.list[p.n].text = field, text
	p.n++
	p.size += len(text)
	return true
}

// apply sets the fields of a, later members winning as with encoding/json.
func (p *pendingStrings) apply(a *Activity) {
	var all string
	if p.size > 0 {
		var b strings.Builder
		b.Grow(p.size)
		for _, s := range p.list[:p.n] {
			b.Write(s.text)
		}
		all = b.String()
	}
	off := 0
	for _, s := range p.list[:p.n] {
		*a.stringField(s.field) = all[off : off+len(s.text)]
		off += len(s.text)
	}
}

// activityKeys are the members setField converts.
var activityKeys = []string{"id", "activityUuid", "activityType", "createdAt", "updatedAt", "primaryDescription",
	"secondaryDescription", "description", "comments", "accountId", "accountName", "siteId", "siteName", "groupId",
	"groupName", "agentId", "userId", "threatId", "osFamily", "hash", "data"}

// setField converts one member (string members are recorded in strs);
// false sends the whole object to the general decoder.
func (a *Activity) setField(key string, v []byte, strs *pendingStrings) bool {
	var f uint8
	switch key {
	case "id":
		f = fID
	case "activityUuid":
		f = fActivityUUID
	case "primaryDescription":
		f = fPrimaryDescription
	case "secondaryDescription":
		f = fSecondaryDescription
	case "description":
		f = fDescription
	case "comments":
		f = fComments
	case "accountId":
		f = fAccountID
	case "accountName":
		f = fAccountName
	case "siteId":
		f = fSiteID
	case "siteName":
		f = fSiteName
	case "groupId":
		f = fGroupID
	case "groupName":
		f = fGroupName
	case "agentId":
		f = fAgentID
	case "userId":
		f = fUserID
	case "threatId":
		f = fThreatID
	case "osFamily":
		f = fOSFamily
	case "hash":
		f = fHash
	case "activityType":
		if string(v) == "null" {
			return true // null leaves an int unchanged
		}
		n, err := strconv.Atoi(string(v))
		if err != nil {
			return false
		}
		a.ActivityType = ActivityType(n)
		return true
	case "createdAt", "updatedAt":
		var t Time
		if err := t.UnmarshalJSON(v); err != nil {
			return false
		}
		if key == "createdAt" {
			a.CreatedAt = t.Time
		} else {
			a.UpdatedAt = t.Time
		}
		return true
	case "data":
		if string(v) == "null" {
			a.Data = nil
		} else {
			a.Data = json.RawMessage(v)
		}
		return true
	default:
		return !foldMatch(key, activityKeys) // encoding/json would match it case-insensitively
	}
	switch {
	case string(v) == "null":
		return strs.add(f, nil)
	case plainString(v):
		return strs.add(f, v[1:len(v)-1])
	}
	var s nstring
	if err := s.UnmarshalJSON(v); err != nil {
		return false
	}
	return strs.add(f, []byte(s))
}

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
