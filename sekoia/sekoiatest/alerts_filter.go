package sekoiatest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/socgo/xdr/sekoia"
)

// --- handlers ---

func (st *alertStore) lookup(w http.ResponseWriter, r *http.Request) *alertRec {
	id := r.PathValue("id")
	rec, ok := st.byID[id]
	if !ok {
		writeError(w, http.StatusNotFound, "", "Unknown alert")
		return nil
	}
	return rec
}

// withAlert runs f, under the store's lock, on the alert named by the
// request's path, or answers 404.
func (st *alertStore) withAlert(w http.ResponseWriter, r *http.Request, f func(rec *alertRec)) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if rec := st.lookup(w, r); rec != nil {
		f(rec)
	}
}

// paging parses limit (1..max, default def) and offset.
func paging(w http.ResponseWriter, q url.Values, def, maxLimit int) (limit, offset int, ok bool) {
	limit, offset = def, 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			writeError(w, http.StatusBadRequest, "", fmt.Sprintf("Invalid parameters: limit must be in 1..%d", maxLimit))
			return 0, 0, false
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "", "Invalid parameters: offset must be >= 0")
			return 0, 0, false
		}
		offset = n
	}
	return limit, offset, true
}

func boolParam(w http.ResponseWriter, q url.Values, key string, def bool) (bool, bool) {
	v := q.Get(key)
	if v == "" {
		return def, true
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		writeError(w, http.StatusBadRequest, "", "Invalid parameters: "+key+" must be true or false")
		return false, false
	}
	return b, true
}

// alertValues returns the values of an alert a match[key] filter compares.
func alertValues(a *sekoia.Alert, key string) ([]string, bool) {
	switch key {
	case "community_uuid":
		return []string{a.CommunityUUID}, true
	case "entity_name", "entity_uuid":
		if a.Entity == nil {
			return nil, true
		}
		if key == "entity_name" {
			return []string{a.Entity.Name}, true
		}
		return []string{a.Entity.UUID}, true
	case "status_uuid":
		return []string{string(a.Status.UUID)}, true
	case "status_name":
		return []string{strings.ToLower(a.Status.Name)}, true
	case "type_category":
		return []string{a.AlertType.Category}, true
	case "type_value":
		return []string{a.AlertType.Value}, true
	case "source":
		return []string{a.Source}, true
	case "target":
		return []string{a.Target}, true
	case "node":
		return []string{a.Source, a.Target}, true
	case "stix_object":
		var ids []string
		for _, t := range a.TTPs {
			ids = append(ids, t.ID)
		}
		for _, t := range a.Adversaries {
			ids = append(ids, t.ID)
		}
		return ids, true
	case "rule_uuid":
		return []string{a.Rule.UUID}, true
	case "rule_name":
		return []string{a.Rule.Name}, true
	case "detection_type":
		return []string{a.DetectionType}, true
	case "short_id":
		return []string{a.ShortID}, true
	case "uuid":
		return []string{a.UUID, a.ShortID}, true
	case "title", "resolved_title":
		return []string{a.Title}, true
	case "asset_uuid":
		return a.Assets, true
	case "urgency_display":
		return []string{strings.ToLower(a.Urgency.Display)}, true
	case "case_short_id":
		var ids []string
		for _, c := range a.Cases {
			ids = append(ids, c.ShortID)
		}
		return ids, true
	case "assignee":
		return []string{a.Assignee}, true
	case "custom_status_uuid":
		return []string{a.CustomStatusUUID}, true
	case "verdict_uuid":
		return []string{a.VerdictUUID}, true
	case "custom_field":
		var vals []string
		for _, f := range a.CustomFields {
			vals = append(vals, f.UUID, f.UUID+":"+strings.Trim(string(f.Value), `"`))
		}
		return vals, true
	}
	return nil, false
}

type alertFilter func(a *sekoia.Alert) bool

// parseDateRange parses "start,end" where end may be "now".
func parseDateRange(v string, now time.Time) (time.Time, time.Time, bool) {
	from, to, ok := strings.Cut(v, ",")
	if !ok {
		return time.Time{}, time.Time{}, false
	}
	f, err := time.Parse(time.RFC3339Nano, from)
	if err != nil {
		return time.Time{}, time.Time{}, false
	}
	t := now
	if to != "now" {
		if t, err = time.Parse(time.RFC3339Nano, to); err != nil {
			return time.Time{}, time.Time{}, false
		}
	}
	return f, t, true
}

func parseIntRange(v string) (int, int, bool) {
	lo, hi, ok := strings.Cut(v, ",")
	if !ok {
		return 0, 0, false
	}
	a, err1 := strconv.Atoi(lo)
	b, err2 := strconv.Atoi(hi)
	return a, b, err1 == nil && err2 == nil
}

// filters builds the predicates of an alert query, or writes a 400.
func (st *alertStore) filters(w http.ResponseWriter, q url.Values) ([]alertFilter, bool) {
	var fs []alertFilter
	now := st.s.nowUTC()
	for key, vals := range q {
		v := vals[len(vals)-1]
		switch {
		case strings.HasPrefix(key, "match[") && strings.HasSuffix(key, "]"),
			strings.HasPrefix(key, "nomatch[") && strings.HasSuffix(key, "]"):
			neg := strings.HasPrefix(key, "nomatch[")
			field := key[strings.IndexByte(key, '[')+1 : len(key)-1]
			if _, ok := alertValues(&sekoia.Alert{}, field); !ok {
				writeError(w, http.StatusBadRequest, "", "Invalid parameters: unknown filter "+key)
				return nil, false
			}
			want := strings.Split(v, ",")
			if field == "status_name" || field == "urgency_display" {
				for i := range want {
					want[i] = strings.ToLower(want[i])
				}
			}
			fs = append(fs, func(a *sekoia.Alert) bool {
				have, _ := alertValues(a, field)
				hit := false
				for _, h := range have {
					if h != "" && slices.Contains(want, h) {
						hit = true
						break
					}
				}
				return hit != neg
			})
		case key == "date[created_at]" || key == "date[updated_at]":
			from, to, ok := parseDateRange(v, now)
			if !ok {
				writeError(w, http.StatusBadRequest, "", "Invalid parameters: "+key+" must be <start>,<end>")
				return nil, false
			}
			updated := key == "date[updated_at]"
			fs = append(fs, func(a *sekoia.Alert) bool {
				t := a.CreatedAt
				if updated {
					t = a.UpdatedAt
				}
				return !t.Before(from) && !t.After(to)
			})
		case key == "range[urgency]" || key == "range[similar]":
			lo, hi, ok := parseIntRange(v)
			if !ok {
				writeError(w, http.StatusBadRequest, "", "Invalid parameters: "+key+" must be <min>,<max>")
				return nil, false
			}
			sim := key == "range[similar]"
			fs = append(fs, func(a *sekoia.Alert) bool {
				x := a.Urgency.Value
				if sim {
					x = a.Similar
				}
				return x >= lo && x <= hi
			})
		case key == "visible":
			b, ok := boolParam(w, q, key, true)
			if !ok {
				return nil, false
			}
			if !b {
				fs = append(fs, func(*sekoia.Alert) bool { return false })
			}
		case key == "is_assigned_to_case":
			b, ok := boolParam(w, q, key, false)
			if !ok {
				return nil, false
			}
			fs = append(fs, func(a *sekoia.Alert) bool { return (len(a.Cases) > 0) == b })
		case key == "similar_to":
			ref, ok := st.byID[v]
			if !ok {
				writeError(w, http.StatusBadRequest, "", "Invalid parameters: unknown alert "+v)
				return nil, false
			}
			rule, self := ref.a.Rule.UUID, ref.a.UUID
			fs = append(fs, func(a *sekoia.Alert) bool { return a.Rule.UUID == rule && a.UUID != self })
		case key == "limit" || key == "offset" || key == "with_count" || key == "stix" || key == "cases" || key == "sort" || key == "direction":
		default:
			writeError(w, http.StatusBadRequest, "", "Invalid parameters: unknown parameter "+key)
			return nil, false
		}
	}
	return fs, true
}

func sortKey(a *sekoia.Alert, key string) (string, int64) {
	switch key {
	case "updated_at":
		return "", a.UpdatedAt.UnixNano()
	case "urgency":
		return "", int64(a.Urgency.Value)
	case "similar":
		return "", int64(a.Similar)
	case "source":
		return a.Source, 0
	case "target":
		return a.Target, 0
	case "entity":
		if a.Entity != nil {
			return a.Entity.Name, 0
		}
		return "", 0
	case "type":
		return a.AlertType.Category + "/" + a.AlertType.Value, 0
	case "status":
		return a.Status.Name, 0
	case "rule_name":
		return a.Rule.Name, 0
	}
	return "", a.CreatedAt.UnixNano()
}

func (st *alertStore) itemJSON(rec *alertRec, stix, cases bool) []byte {
	if !stix && !cases {
		if rec.item == nil {
			rec.item, _ = json.Marshal(listAlert(rec.a, false, false))
		}
		return rec.item
	}
	b, _ := json.Marshal(listAlert(rec.a, stix, cases))
	return b
}

// listAlert shapes an alert as the list does: stix is {} unless asked for,
// cases only when asked for.
func listAlert(a sekoia.Alert, stix, cases bool) sekoia.Alert {
	if !stix || len(a.STIX) == 0 {
		a.STIX = json.RawMessage("{}")
	}
	if !cases {
		a.Cases = nil
	}
	a.CustomStatus = nil
	return a
}
