package sentinelone

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Activities are the bulk of what a collector moves, so their decoding
// avoids the second validation and reflection pass of json.Unmarshal: the
// object's top-level members are walked once (encoding/json has validated
// the bytes before it calls UnmarshalJSON) and only the known fields are
// converted. Anything unusual (escaped keys, keys differing only in case
// from a known one, numbers that are not plain integers, bad bytes from a
// direct call) falls back to json.Unmarshal, so the result is always the
// one encoding/json gives.

// decodeActivityFast fills a from b (which it keeps as Raw); it reports
// false when b needs the general decoder.
func decodeActivityFast(b []byte, a *Activity) bool {
	raw := bytes.Clone(b)
	i := skipWS(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return false
	}
	i = skipWS(raw, i+1)
	var out Activity
	if i < len(raw) && raw[i] == '}' {
		i++
	} else {
		for {
			if i >= len(raw) || raw[i] != '"' {
				return false
			}
			kend, ok := stringEnd(raw, i)
			if !ok {
				return false
			}
			key := raw[i+1 : kend-1]
			if bytes.IndexByte(key, '\\') >= 0 {
				return false
			}
			i = skipWS(raw, kend)
			if i >= len(raw) || raw[i] != ':' {
				return false
			}
			i = skipWS(raw, i+1)
			vend, ok := valueEnd(raw, i)
			if !ok {
				return false
			}
			if !out.setField(string(key), raw[i:vend:vend]) {
				return false
			}
			i = skipWS(raw, vend)
			if i < len(raw) && raw[i] == ',' {
				i = skipWS(raw, i+1)
				continue
			}
			if i < len(raw) && raw[i] == '}' {
				i++
				break
			}
			return false
		}
	}
	if skipWS(raw, i) != len(raw) {
		return false
	}
	out.Raw = raw
	*a = out
	return true
}

// activityKeys are the members setField converts.
var activityKeys = []string{"id", "activityUuid", "activityType", "createdAt", "updatedAt", "primaryDescription",
	"secondaryDescription", "description", "comments", "accountId", "accountName", "siteId", "siteName", "groupId",
	"groupName", "agentId", "userId", "threatId", "osFamily", "hash", "data"}

// setField converts one member; false sends the whole object to the
// general decoder.
func (a *Activity) setField(key string, v []byte) bool {
	var dst *string
	switch key {
	case "id":
		dst = &a.ID
	case "activityUuid":
		dst = &a.ActivityUUID
	case "primaryDescription":
		dst = &a.PrimaryDescription
	case "secondaryDescription":
		dst = &a.SecondaryDescription
	case "description":
		dst = &a.Description
	case "comments":
		dst = &a.Comments
	case "accountId":
		dst = &a.AccountID
	case "accountName":
		dst = &a.AccountName
	case "siteId":
		dst = &a.SiteID
	case "siteName":
		dst = &a.SiteName
	case "groupId":
		dst = &a.GroupID
	case "groupName":
		dst = &a.GroupName
	case "agentId":
		dst = &a.AgentID
	case "userId":
		dst = &a.UserID
	case "threatId":
		dst = &a.ThreatID
	case "osFamily":
		dst = &a.OSFamily
	case "hash":
		dst = &a.Hash
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
		for _, k := range activityKeys {
			if strings.EqualFold(k, key) {
				return false // encoding/json would match it case-insensitively
			}
		}
		return true
	}
	if plainString(v) {
		*dst = string(v[1 : len(v)-1])
		return true
	}
	var s nstring
	if err := s.UnmarshalJSON(v); err != nil {
		return false
	}
	*dst = string(s)
	return true
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

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index after the string starting at b[i] == '"'.
func stringEnd(b []byte, i int) (int, bool) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, true
		}
	}
	return 0, false
}

// valueEnd returns the index after the JSON value starting at b[i]. The
// value is assumed valid; malformed input gives false or a wrong span that
// the field conversion then refuses.
func valueEnd(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				e, ok := stringEnd(b, j)
				if !ok {
					return 0, false
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	case ',', ':', '}', ']':
		return 0, false
	}
	j := i
	for j < len(b) {
		c := b[j]
		if c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\t' || c == '\r' {
			break
		}
		j++
	}
	return j, true
}
