package sekoia

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/url"

	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

// listedComment is a comment of the countermeasure and action step
// comment lists, which write its time as created_at (RFC 3339) where the
// other comments have an epoch date.
type listedComment struct{ Comment }

// UnmarshalJSON decodes the comment, Date from date or else created_at.
func (c *listedComment) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &c.Comment); err != nil {
		return err
	}
	if !c.Date.IsZero() {
		return nil
	}
	var aux struct {
		CreatedAt isoTime `json:"created_at"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return fmt.Errorf("sekoia: decode comment: %w", err)
	}
	c.Date = aux.CreatedAt.Time
	return nil
}

// commentPage fetches one page of a countermeasure or action step comment
// list.
func commentPage(ctx context.Context, c *Client, path string, q url.Values, offset, limit int) (*Page[Comment], error) {
	p, _, err := commentPageFP(ctx, c, path, q, offset, limit)
	return p, err
}

// commentPageFP is commentPage that also returns the fingerprint of the
// body, for the iterators.
func commentPageFP(ctx context.Context, c *Client, path string, q url.Values, offset, limit int) (*Page[Comment], uint64, error) {
	p, fp, err := getPageFP[listedComment](ctx, c, path, q, offset, limit)
	if err != nil {
		return nil, 0, err
	}
	items := make([]Comment, len(p.Items))
	for i, lc := range p.Items {
		items[i] = lc.Comment
	}
	return &Page[Comment]{Items: items, Total: p.Total, HasMore: p.HasMore, Offset: p.Offset}, fp, nil
}

// allComments iterates over a countermeasure or action step comment list.
func allComments(ctx context.Context, c *Client, path string, p PageOptions) iter.Seq2[Comment, error] {
	return allPagesWith(ctx, nil, p.Offset, p.Limit, func(ctx context.Context, q url.Values, offset, limit int) (*Page[Comment], uint64, error) {
		return commentPageFP(ctx, c, path, q, offset, limit)
	})
}

// ListComments returns one page of the comments of a countermeasure.
// Each comment's Date is its creation time.
//
// ListComments calls GET /v1/sic/alerts/countermeasures/{uuid}/comments.
func (s *CountermeasuresService) ListComments(ctx context.Context, uuid string, opts *PageOptions) (*Page[Comment], error) {
	const method = "Countermeasures.ListComments"
	if err := checkUUID(method, "uuid", uuid); err != nil {
		return nil, err
	}
	p, err := opts.page(method, 0)
	if err != nil {
		return nil, err
	}
	r, err := line(method)(wire.NewListCountermeasureCommentsRequest(uuid, &wire.ListCountermeasureCommentsParams{Limit: ptr(p.Limit), Offset: ptr(p.Offset)}))
	if err != nil {
		return nil, err
	}
	return commentPage(ctx, s.c, r.Path, r.Query, p.Offset, p.Limit)
}

// AllComments iterates over every comment of a countermeasure. The
// iterator contract is that of Alerts.All.
//
// AllComments calls GET /v1/sic/alerts/countermeasures/{uuid}/comments
// once per page.
func (s *CountermeasuresService) AllComments(ctx context.Context, uuid string, opts *PageOptions) iter.Seq2[Comment, error] {
	const method = "Countermeasures.AllComments"
	if err := checkUUID(method, "uuid", uuid); err != nil {
		return errSeq[Comment](err)
	}
	p, err := opts.page(method, 100)
	if err != nil {
		return errSeq[Comment](err)
	}
	r, err := line(method)(wire.NewListCountermeasureCommentsRequest(uuid, nil))
	if err != nil {
		return errSeq[Comment](err)
	}
	return allComments(ctx, s.c, r.Path, p)
}

// AddComment comments a countermeasure and returns the comment.
//
// AddComment calls POST /v1/sic/alerts/countermeasures/{uuid}/comments
// with {"content","author"}.
func (s *CountermeasuresService) AddComment(ctx context.Context, uuid string, c NewComment) (*Comment, error) {
	const method = "Countermeasures.AddComment"
	if err := checkUUID(method, "uuid", uuid); err != nil {
		return nil, err
	}
	if err := checkNewComment(method, &c); err != nil {
		return nil, err
	}
	var out Comment
	if err := s.c.send(ctx, method, &c, &out)(wire.NewAddCountermeasureCommentRequest(uuid)); err != nil {
		return nil, err
	}
	return &out, nil
}
