package sekoia

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/socgo/xdr/internal/rest"
)

func commentPath(method, alertID, commentUUID string) (string, error) {
	if err := checkAlertID(method, alertID); err != nil {
		return "", err
	}
	if err := checkUUID(method, "commentUUID", commentUUID); err != nil {
		return "", err
	}
	return "/v1/sic/alerts/" + rest.Seg(alertID) + "/comments/" + rest.Seg(commentUUID), nil
}

// EditComment replaces the text of a comment of an alert and returns the
// comment.
//
// EditComment calls PATCH /v1/sic/alerts/{uuid}/comments/{comment_uuid}
// with {"content"}.
func (s *AlertsService) EditComment(ctx context.Context, alertID, commentUUID, content string) (*Comment, error) {
	const method = "Alerts.EditComment"
	path, err := commentPath(method, alertID, commentUUID)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(content) == "" {
		return nil, errors.New("sekoia: " + method + ": content is empty")
	}
	return doOne[Comment](ctx, s.c, http.MethodPatch, path, nil, commentEdit{content})
}

// DeleteComment deletes a comment of an alert.
//
// DeleteComment calls DELETE
// /v1/sic/alerts/{uuid}/comments/{comment_uuid}.
func (s *AlertsService) DeleteComment(ctx context.Context, alertID, commentUUID string) error {
	path, err := commentPath("Alerts.DeleteComment", alertID, commentUUID)
	if err != nil {
		return err
	}
	_, err = s.c.rest.Do(ctx, rest.Request{Method: http.MethodDelete, Path: path}, nil)
	return err
}

// commentEdit is the body of the comment edit.
type commentEdit struct {
	Content string `json:"content"`
}
