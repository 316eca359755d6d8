package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/socgo/xdr/sekoia"
)

// sekoiaTour lists alerts, moves one through the workflow, comments on it,
// reads its history, and looks at assets, kill chain stages and
// communities.
func sekoiaTour(ctx context.Context) error {
	c, live, done, err := sekoiaClient()
	if err != nil {
		return err
	}
	defer done()
	writes := !live || os.Getenv("SEKOIA_QUICKSTART_WRITES") == "1"

	// Check the key: an expired or revoked one is told apart.
	claims, err := c.Auth(ctx)
	switch {
	case errors.Is(err, sekoia.ErrTokenExpired):
		return fmt.Errorf("the API key has expired, create a new one: %w", err)
	case errors.Is(err, sekoia.ErrTokenRevoked):
		return fmt.Errorf("the API key was revoked: %w", err)
	case err != nil:
		return err
	}
	fmt.Printf("API key ok (%s)\n\n", claims.Identity)

	// One page of the most urgent pending alerts.
	page, err := c.Alerts.List(ctx, &sekoia.AlertListOptions{
		Statuses:  []sekoia.Status{sekoia.StatusPending},
		Sort:      sekoia.AlertSortUrgency,
		Direction: sekoia.Descending,
		Limit:     5,
	})
	if err != nil {
		return err
	}
	fmt.Printf("%d pending alerts; the 5 most urgent:\n", page.Total)
	for _, a := range page.Items {
		fmt.Printf("  %s  urgency %3d %-8s  %-19s  %s\n", a.ShortID, a.Urgency.Value, a.Urgency.Display, a.CreatedAt.Format("2006-01-02 15:04:05"), a.Title)
	}
	fmt.Println()

	// Every alert of the last rule, with the iterator (100 per request).
	if len(page.Items) > 0 {
		rule := page.Items[0].Rule
		n := 0
		for _, err := range c.Alerts.All(ctx, &sekoia.AlertListOptions{RuleUUIDs: []string{rule.UUID}}) {
			if err != nil {
				return err
			}
			n++
		}
		fmt.Printf("rule %q raised %d alerts\n\n", rule.Name, n)
	}

	if len(page.Items) > 0 && writes {
		a := page.Items[0]
		// Acknowledge it with a comment.
		if err := c.Alerts.UpdateWorkflow(ctx, a.ShortID, sekoia.ActionAcknowledge, "Looking into it (quickstart)"); err != nil {
			return err
		}
		fmt.Printf("%s acknowledged\n", a.ShortID)
		// The workflow is enforced: Close needs Ongoing first.
		err := c.Alerts.UpdateWorkflow(ctx, a.ShortID, sekoia.ActionClose, "")
		var apiErr *sekoia.APIError
		if errors.Is(err, sekoia.ErrConflict) && errors.As(err, &apiErr) {
			fmt.Printf("closing it at once is refused (409): %s\n", apiErr.Message)
		}
		actions, err := c.Alerts.Workflow(ctx, a.ShortID)
		if err != nil {
			return err
		}
		fmt.Print("actions available now:")
		for _, act := range actions {
			fmt.Printf(" %s", act.Name)
		}
		fmt.Println()
		if _, err := c.Alerts.AddComment(ctx, a.ShortID, sekoia.NewComment{Content: "Host isolated, waiting for the EDR scan.", Author: "quickstart"}); err != nil {
			return err
		}
		got, err := c.Alerts.Get(ctx, a.ShortID, &sekoia.AlertGetOptions{Comments: true, History: true})
		if err != nil {
			return err
		}
		fmt.Printf("%s is now %s, with %d comments; history:\n", got.ShortID, got.Status.Name, len(got.Comments))
		for _, h := range got.History {
			switch {
			case h.Alert != nil:
				fmt.Printf("  %s  status %s\n", h.CreatedAt.Format("15:04:05"), h.Alert.Status)
			case h.Urgency != nil && h.Urgency.Value != nil:
				fmt.Printf("  %s  urgency %d\n", h.CreatedAt.Format("15:04:05"), *h.Urgency.Value)
			default:
				fmt.Printf("  %s  %s\n", h.CreatedAt.Format("15:04:05"), h.EntryType)
			}
		}
		fmt.Println()
	}

	// Errors: an unknown alert is ErrNotFound, with the request id.
	_, err = c.Alerts.Get(ctx, "ALdoesnotexist", nil)
	var apiErr *sekoia.APIError
	if errors.Is(err, sekoia.ErrNotFound) && errors.As(err, &apiErr) {
		fmt.Printf("unknown alert: %d %s (request id %s)\n", apiErr.StatusCode, apiErr.Message, apiErr.RequestID)
	}
	// Bad input is refused before any request.
	_, err = c.Alerts.List(ctx, &sekoia.AlertListOptions{Limit: 500})
	fmt.Printf("bad input: %v\n\n", err)

	// Assets.
	if writes {
		crit := 90
		if _, err := c.Assets.Create(ctx, &sekoia.AssetCreate{
			CommunityUUID: claimsCommunity(ctx, c), Name: "quickstart-dc01", Type: sekoia.AssetHost, Criticality: &crit,
			Atoms: sekoia.Atoms{"hostname": {"dc01"}, "ipv4": {"10.0.0.10"}}, Tags: []string{"quickstart"},
		}); err != nil {
			return err
		}
	}
	assets, err := c.Assets.List(ctx, &sekoia.AssetListOptions{Sort: sekoia.AssetSortCriticality, Direction: sekoia.Descending, Limit: 3})
	if err != nil {
		return err
	}
	fmt.Printf("%d assets; the most critical:\n", assets.Total)
	for _, a := range assets.Items {
		crit := "-"
		if a.Criticality != nil {
			crit = fmt.Sprint(*a.Criticality)
		}
		fmt.Printf("  %-8s %-20s criticality %s  %v\n", a.Type, a.Name, crit, a.Atoms)
	}
	fmt.Println()

	// Kill chain stages and communities.
	fmt.Print("kill chain:")
	for s, err := range c.KillChains.All(ctx, nil) {
		if err != nil {
			return err
		}
		fmt.Printf(" %d.%s", s.OrderID, s.Name)
	}
	fmt.Println()
	for cm, err := range c.Communities.All(ctx, nil) {
		if err != nil {
			return err
		}
		fmt.Printf("community %q (%s)\n", cm.Name, cm.UUID)
	}
	return nil
}

// claimsCommunity returns the first community of the workspace, or ""
// (which Assets.Create refuses) when there is none.
func claimsCommunity(ctx context.Context, c *sekoia.Client) string {
	page, err := c.Communities.List(ctx, &sekoia.CommunityListOptions{Limit: 1})
	if err != nil || len(page.Items) == 0 {
		return ""
	}
	return page.Items[0].UUID
}

func ptr[T any](v T) *T { return &v }
