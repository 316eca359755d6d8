package sekoia

import (
	"context"
	"errors"
	"iter"
	"strings"
	"unicode/utf8"

	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

// PageOptions pages a simple list.
type PageOptions struct {
	// Limit is the page size: 1..100, 0 for the server default (20; the
	// All iterators use 100).
	Limit int
	// Offset is the number of items skipped.
	Offset int
}

// page checks the options and returns them, Limit defaultLimit when 0.
func (o *PageOptions) page(method string, defaultLimit int) (PageOptions, error) {
	var p PageOptions
	if o != nil {
		p = *o
	}
	if p.Limit == 0 {
		p.Limit = defaultLimit
	}
	return p, checkPaging(method, p.Limit, p.Offset, 100)
}

// ListComments returns one page of the comments of an alert.
//
// ListComments calls GET /v1/sic/alerts/{uuid}/comments.
func (s *AlertsService) ListComments(ctx context.Context, id string, opts *PageOptions) (*Page[Comment], error) {
	const method = "Alerts.ListComments"
	if err := checkAlertID(method, id); err != nil {
		return nil, err
	}
	p, err := opts.page(method, 0)
	if err != nil {
		return nil, err
	}
	r, err := line(method)(wire.NewListAlertCommentsRequest(id, &wire.ListAlertCommentsParams{Limit: ptr(p.Limit), Offset: ptr(p.Offset)}))
	if err != nil {
		return nil, err
	}
	return getPage[Comment](ctx, s.c, r.Path, r.Query, p.Offset, p.Limit)
}

// AllComments iterates over every comment of an alert, 100 per request
// unless opts says otherwise.
//
// The iterator is lazy and can be run again (each run starts over); every
// request uses ctx; on an error it yields (zero Comment, err) once and
// stops; breaking out of the loop stops fetching and frees the connection.
//
// Deleting or editing the comments inside the loop is safe: the list has
// no date filter or sort to page on, so AllComments reads every page
// first, then yields the comments (memory: the alert's comments; the first
// comes after the last page). Each comment present when the loop starts is
// yielded once; comments added during the loop are not.
//
// AllComments calls GET /v1/sic/alerts/{uuid}/comments once per page.
func (s *AlertsService) AllComments(ctx context.Context, id string, opts *PageOptions) iter.Seq2[Comment, error] {
	const method = "Alerts.AllComments"
	if err := checkAlertID(method, id); err != nil {
		return errSeq[Comment](err)
	}
	p, err := opts.page(method, 100)
	if err != nil {
		return errSeq[Comment](err)
	}
	r, err := line(method)(wire.NewListAlertCommentsRequest(id, nil))
	if err != nil {
		return errSeq[Comment](err)
	}
	return snapshotAll(allPages[Comment](ctx, s.c, r.Path, r.Query, p.Offset, p.Limit))
}

// NewComment is a comment to add.
type NewComment struct {
	// Content is the text (required).
	Content string `json:"content"`
	// Author is an optional display name (at most 32 characters); the API
	// records "apikey:<uuid>" without it.
	Author string `json:"author,omitempty"`
}

// AddComment adds a comment to an alert and returns it.
//
// AddComment calls POST /v1/sic/alerts/{uuid}/comments with
// {"content","author"}.
func (s *AlertsService) AddComment(ctx context.Context, id string, c NewComment) (*Comment, error) {
	const method = "Alerts.AddComment"
	if err := checkAlertID(method, id); err != nil {
		return nil, err
	}
	if strings.TrimSpace(c.Content) == "" {
		return nil, errors.New("sekoia: " + method + ": content is empty")
	}
	if utf8.RuneCountInString(c.Author) > 32 {
		return nil, errors.New("sekoia: " + method + ": author is longer than 32 characters")
	}
	r, err := line(method)(wire.NewAddAlertCommentRequest(id))
	if err != nil {
		return nil, err
	}
	r.Body = c
	var out Comment
	if _, err := s.c.rest.Do(ctx, r, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func checkCommentIDs(method, alertID, commentUUID string) error {
	if err := checkAlertID(method, alertID); err != nil {
		return err
	}
	return checkUUID(method, "commentUUID", commentUUID)
}

// EditComment replaces the text of a comment of an alert and returns the
// comment.
//
// EditComment calls PATCH /v1/sic/alerts/{uuid}/comments/{comment_uuid}
// with {"content"}.
func (s *AlertsService) EditComment(ctx context.Context, alertID, commentUUID, content string) (*Comment, error) {
	const method = "Alerts.EditComment"
	if err := checkCommentIDs(method, alertID, commentUUID); err != nil {
		return nil, err
	}
	if err := checkContent(method, content); err != nil {
		return nil, err
	}
	r, err := line(method)(wire.NewEditAlertCommentRequest(alertID, commentUUID))
	if err != nil {
		return nil, err
	}
	return doOne[Comment](ctx, s.c, r.Method, r.Path, r.Query, commentEdit{content})
}

// DeleteComment deletes a comment of an alert.
//
// DeleteComment calls DELETE
// /v1/sic/alerts/{uuid}/comments/{comment_uuid}.
func (s *AlertsService) DeleteComment(ctx context.Context, alertID, commentUUID string) error {
	const method = "Alerts.DeleteComment"
	if err := checkCommentIDs(method, alertID, commentUUID); err != nil {
		return err
	}
	r, err := line(method)(wire.NewDeleteAlertCommentRequest(alertID, commentUUID))
	if err != nil {
		return err
	}
	_, err = s.c.rest.Do(ctx, r, nil)
	return err
}

// commentEdit is the body of the comment edit.
type commentEdit struct {
	Content string `json:"content"`
}
