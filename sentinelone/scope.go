package sentinelone

import (
	"encoding/json"
	"fmt"
	"strings"
)

// ScopeLevel is the level of the console's hierarchy a blocklist entry, an
// IOC or an exclusion belongs to: the whole tenant (global), accounts,
// sites or groups.
type ScopeLevel string

// The scope levels.
const (
	ScopeTenant  ScopeLevel = "tenant"
	ScopeAccount ScopeLevel = "account"
	ScopeSite    ScopeLevel = "site"
	ScopeGroup   ScopeLevel = "group"
)

// String returns the level as the API writes it ("site").
func (l ScopeLevel) String() string { return string(l) }

// Scope says where an entry is created or looked up: the "filter" of a
// create body ({"tenant": true}, {"accountIds": [...]}, {"siteIds": [...]}
// or {"groupIds": [...]}) and the scope filters of a list. Build it with
// TenantScope, AccountScope, SiteScope or GroupScope; the zero Scope is
// refused, so that a global entry is always asked for by name.
type Scope struct {
	// Level is the level of the scope.
	Level ScopeLevel
	// IDs are the account, site or group ids (none for ScopeTenant).
	IDs []string
}

// TenantScope is the global scope: the whole console.
func TenantScope() Scope { return Scope{Level: ScopeTenant} }

// AccountScope is the scope of the given accounts.
func AccountScope(ids ...string) Scope { return Scope{Level: ScopeAccount, IDs: ids} }

// SiteScope is the scope of the given sites.
func SiteScope(ids ...string) Scope { return Scope{Level: ScopeSite, IDs: ids} }

// GroupScope is the scope of the given groups.
func GroupScope(ids ...string) Scope { return Scope{Level: ScopeGroup, IDs: ids} }

// key returns the filter key of the scope's ids.
func (s Scope) key() string {
	switch s.Level {
	case ScopeAccount:
		return "accountIds"
	case ScopeSite:
		return "siteIds"
	case ScopeGroup:
		return "groupIds"
	}
	return ""
}

// check refuses a scope without a level, with a level outside allowed, or
// with ids that do not fit its level.
func (s Scope) check(op string, allowed ...ScopeLevel) error {
	ok := false
	for _, l := range allowed {
		ok = ok || s.Level == l
	}
	if !ok {
		names := make([]string, len(allowed))
		for i, l := range allowed {
			names[i] = string(l)
		}
		if s.Level == "" {
			return fmt.Errorf("sentinelone: %s: scope is empty; use one of %s (TenantScope for a global entry)", op, strings.Join(names, ", "))
		}
		return fmt.Errorf("sentinelone: %s: scope level %q is not one of %s", op, truncate(string(s.Level), 100), strings.Join(names, ", "))
	}
	if s.Level == ScopeTenant {
		if len(s.IDs) > 0 {
			return fmt.Errorf("sentinelone: %s: a tenant scope takes no ids", op)
		}
		return nil
	}
	if len(s.IDs) == 0 {
		return fmt.Errorf("sentinelone: %s: %s scope has no ids", op, s.Level)
	}
	_, err := countFilterLists(op, []filterList{{"scope " + s.key(), s.IDs}})
	return err
}

// MarshalJSON encodes the scope as an action filter.
func (s Scope) MarshalJSON() ([]byte, error) {
	if s.Level == ScopeTenant {
		return []byte(`{"tenant":true}`), nil
	}
	if k := s.key(); k != "" {
		return json.Marshal(map[string][]string{k: s.IDs})
	}
	return nil, fmt.Errorf("sentinelone: scope level %q is not a level", truncate(string(s.Level), 100))
}

// scopeParams are the parameters of a scope in a list query (nil: not
// sent).
type scopeParams struct {
	tenant                        *bool
	accountIDs, siteIDs, groupIDs *[]string
}

// scopeParams checks s and returns its parameters; a nil scope sends
// nothing.
func (q *query) scopeParams(s *Scope) scopeParams {
	var w scopeParams
	if s == nil {
		return w
	}
	if err := s.check(q.op, ScopeTenant, ScopeAccount, ScopeSite, ScopeGroup); err != nil {
		if q.err == nil {
			q.err = err
		}
		return w
	}
	switch s.Level {
	case ScopeTenant:
		t := true
		w.tenant = &t
	case ScopeAccount:
		w.accountIDs = q.listParam("accountIds", s.IDs)
	case ScopeSite:
		w.siteIDs = q.listParam("siteIds", s.IDs)
	case ScopeGroup:
		w.groupIDs = q.listParam("groupIds", s.IDs)
	}
	return w
}
