package sekoia

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"net/url"
	"strings"
	"time"

	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

// CaseComment is a comment on a case. Its times are RFC 3339 on the wire.
type CaseComment struct {
	UUID          string    `json:"uuid"`
	Content       string    `json:"content"`
	CreatedAt     time.Time `json:"created_at"`
	CreatedBy     string    `json:"created_by"`
	CreatedByType string    `json:"created_by_type"`
	UpdatedAt     time.Time `json:"updated_at,omitzero"`
}

// UnmarshalJSON decodes a comment, its times in any form.
func (c *CaseComment) UnmarshalJSON(b []byte) error {
	type plain CaseComment
	aux := struct {
		*plain
		CreatedAt isoTime `json:"created_at"`
		UpdatedAt isoTime `json:"updated_at"`
	}{plain: (*plain)(c)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	c.CreatedAt, c.UpdatedAt = aux.CreatedAt.Time, aux.UpdatedAt.Time
	return nil
}

// CaseCommentSort is a sort key of the comments of a case.
type CaseCommentSort string

// The comment sort keys.
const (
	CaseCommentSortCreatedAt CaseCommentSort = "created_at"
	CaseCommentSortCreatedBy CaseCommentSort = "created_by"
	CaseCommentSortUpdatedAt CaseCommentSort = "updated_at"
)

// String returns the key as sent.
func (s CaseCommentSort) String() string { return string(s) }

// CaseCommentListOptions filters, sorts and pages the comments of a case.
type CaseCommentListOptions struct {
	// CreatedAt: date[created_at]; CreatedBy: match[created_by].
	CreatedAt *TimeRange
	CreatedBy []string
	// Sort and Direction order the list.
	Sort      CaseCommentSort
	Direction Direction
	// Limit is the page size: 1..100, 0 for the server default (20; the
	// iterator uses 100).
	Limit  int
	Offset int
}

// ListComments returns one page of the comments of a case.
//
// ListComments calls GET /v1/sic/cases/{uuid}/comments.
func (s *CasesService) ListComments(ctx context.Context, id string, opts *CaseCommentListOptions) (*Page[CaseComment], error) {
	const method = "Cases.ListComments"
	if err := checkCaseID(method, id); err != nil {
		return nil, err
	}
	return listPage[CaseComment](ctx, s.c, method, id, opts)
}

// AllComments iterates over the comments of a case matching opts,
// fetching opts.Limit comments per request (100 when 0) and the next page
// while the caller works on the current one. A bad id is the error of the
// first iteration.
//
// The iterator is lazy and can be run again (each run starts over); opts
// is copied and never changed; every request uses ctx; on an error it
// yields (zero CaseComment, err) once and stops; breaking out of the loop
// stops fetching and frees the connection.
//
// Deleting or editing the comments inside the loop is safe: every comment
// that exists when the loop starts, and still does when its turn comes,
// is yielded exactly once. With Sort empty or CaseCommentSortCreatedAt,
// AllComments pages by creation time (date[created_at], as Cases.All
// does), oldest first unless Direction says otherwise; an ascending walk
// costs one request more (limit 1) to fix its upper end, and comments
// added after the loop starts are not yielded (unless they share the
// creation second of the newest comment). With another Sort, AllComments
// reads every page first, then yields them: memory grows with the
// comments and the first comes after the last page.
//
// AllComments calls GET /v1/sic/cases/{uuid}/comments once per page, with
// sort=created_at, direction and date[created_at] for keyset paging.
func (s *CasesService) AllComments(ctx context.Context, id string, opts *CaseCommentListOptions) iter.Seq2[CaseComment, error] {
	const method = "Cases.AllComments"
	if err := checkCaseID(method, id); err != nil {
		return errSeq[CaseComment](err)
	}
	o, r, err := allOptions(method, id, opts)
	if err != nil {
		return errSeq[CaseComment](err)
	}
	if o.Sort != "" && o.Sort != CaseCommentSortCreatedAt {
		return snapshotAll(allPages[CaseComment](ctx, s.c, r.Path, r.Query, o.Offset, o.Limit))
	}
	k := &keysetList[CaseComment]{
		param: "date[created_at]", sortParam: "sort", dirParam: "direction", sortValue: string(CaseCommentSortCreatedAt),
		desc: o.Direction == Descending, user: o.CreatedAt, subSecond: true,
		key: func(c *CaseComment) (time.Time, string) { return c.CreatedAt.Truncate(time.Second), c.UUID },
		get: func(ctx context.Context, q url.Values, offset, limit int) (*Page[CaseComment], error) {
			return getPage[CaseComment](ctx, s.c, r.Path, q, offset, limit)
		},
	}
	return k.all(ctx, r.Query, o.Offset, o.Limit)
}

// GetComment returns one comment of a case.
//
// GetComment calls GET /v1/sic/cases/{uuid}/comments/{comment_uuid}.
func (s *CasesService) GetComment(ctx context.Context, id, commentUUID string) (*CaseComment, error) {
	const method = "Cases.GetComment"
	if err := checkComment(method, id, commentUUID); err != nil {
		return nil, err
	}
	var out CaseComment
	if err := s.c.send(ctx, method, nil, &out)(wire.NewGetCaseCommentRequest(id, commentUUID)); err != nil {
		return nil, err
	}
	return &out, nil
}

func checkComment(method, id, commentUUID string) error {
	if err := checkCaseID(method, id); err != nil {
		return err
	}
	return checkUUID(method, "commentUUID", commentUUID)
}

type caseCommentBody struct {
	Content string `json:"content"`
}

func checkContent(method, content string) error {
	if strings.TrimSpace(content) == "" {
		return errors.New("sekoia: " + method + ": content is empty")
	}
	return nil
}

// AddComment adds a comment to a case and returns it. AddComment is a
// POST: it is not retried once sent.
//
// AddComment calls POST /v1/sic/cases/{uuid}/comments with {"content"}.
func (s *CasesService) AddComment(ctx context.Context, id, content string) (*CaseComment, error) {
	const method = "Cases.AddComment"
	if err := checkCaseID(method, id); err != nil {
		return nil, err
	}
	if err := checkContent(method, content); err != nil {
		return nil, err
	}
	var out CaseComment
	if err := s.c.send(ctx, method, caseCommentBody{content}, &out)(wire.NewAddCaseCommentRequest(id)); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateComment replaces the content of a comment and returns it.
//
// UpdateComment calls PATCH /v1/sic/cases/{uuid}/comments/{comment_uuid}
// with {"content"}.
func (s *CasesService) UpdateComment(ctx context.Context, id, commentUUID, content string) (*CaseComment, error) {
	const method = "Cases.UpdateComment"
	if err := checkComment(method, id, commentUUID); err != nil {
		return nil, err
	}
	if err := checkContent(method, content); err != nil {
		return nil, err
	}
	var out CaseComment
	if err := s.c.send(ctx, method, caseCommentBody{content}, &out)(wire.NewUpdateCaseCommentRequest(id, commentUUID)); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteComment deletes a comment of a case.
//
// DeleteComment calls DELETE /v1/sic/cases/{uuid}/comments/{comment_uuid}.
func (s *CasesService) DeleteComment(ctx context.Context, id, commentUUID string) error {
	const method = "Cases.DeleteComment"
	if err := checkComment(method, id, commentUUID); err != nil {
		return err
	}
	return s.c.send(ctx, method, nil, nil)(wire.NewDeleteCaseCommentRequest(id, commentUUID))
}

// CaseHistoryEntry is one entry of a case's change log.
type CaseHistoryEntry struct {
	UUID          string    `json:"uuid"`
	CreatedAt     time.Time `json:"created_at"`
	CreatedBy     string    `json:"created_by"`
	CreatedByType string    `json:"created_by_type"`
	// Type says which change this is ("case", "comment", "alert" …).
	Type string `json:"type"`
	// Action describes the change; its keys depend on Type.
	Action json.RawMessage `json:"action,omitempty"`
}

// UnmarshalJSON decodes an entry, its time in any form.
func (h *CaseHistoryEntry) UnmarshalJSON(b []byte) error {
	type plain CaseHistoryEntry
	aux := struct {
		*plain
		CreatedAt isoTime `json:"created_at"`
	}{plain: (*plain)(h)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	h.CreatedAt = aux.CreatedAt.Time
	return nil
}

// CaseHistoryOptions filters and pages the history of a case.
type CaseHistoryOptions struct {
	// CreatedAt: date[created_at].
	CreatedAt *TimeRange
	Direction Direction
	// Limit is the page size: 1..100, 0 for the server default (the
	// iterator uses 100).
	Limit  int
	Offset int
}

// ListHistory returns one page of the change log of a case.
//
// ListHistory calls GET /v1/sic/cases/{uuid}/history.
func (s *CasesService) ListHistory(ctx context.Context, id string, opts *CaseHistoryOptions) (*Page[CaseHistoryEntry], error) {
	const method = "Cases.ListHistory"
	if err := checkCaseID(method, id); err != nil {
		return nil, err
	}
	return listPage[CaseHistoryEntry](ctx, s.c, method, id, opts)
}

// AllHistory iterates over the change log of a case, 100 entries per
// request unless opts.Limit says otherwise. A bad id is the error of the
// first iteration.
//
// The iterator is lazy and can be run again (each run starts over); opts
// is copied and never changed; every request uses ctx; on an error it
// yields (zero CaseHistoryEntry, err) once and stops; breaking out of the loop stops fetching
// and frees the connection.
//
// AllHistory calls GET /v1/sic/cases/{uuid}/history once per page.
func (s *CasesService) AllHistory(ctx context.Context, id string, opts *CaseHistoryOptions) iter.Seq2[CaseHistoryEntry, error] {
	const method = "Cases.AllHistory"
	if err := checkCaseID(method, id); err != nil {
		return errSeq[CaseHistoryEntry](err)
	}
	return listAll[CaseHistoryEntry](ctx, s.c, method, id, opts)
}
