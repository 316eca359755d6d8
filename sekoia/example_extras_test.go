package sekoia_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/socgo/xdr/sekoia"
)

func ExampleCountermeasuresService_Activate() {
	srv := startFake()
	defer srv.Close()
	alert := srv.SeedAlerts(1)[0]
	srv.AddCountermeasure(alert.ShortID, sekoia.Countermeasure{Name: "Isolate the host"})
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	page, err := c.Countermeasures.ListForAlert(ctx, alert.ShortID, nil)
	if err != nil {
		log.Fatal(err)
	}
	cm := page.Items[0]
	// Activate is sent once: after an error, read the countermeasure
	// again before deciding to try once more.
	done, err := c.Countermeasures.Activate(ctx, cm.UUID, &sekoia.NewComment{Content: "host isolated by the EDR", Author: "soc-bot"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(done.Name, "activated:", done.Activated())

	_, err = c.Countermeasures.Deny(ctx, cm.UUID, nil)
	fmt.Println("deny afterwards is a conflict:", errors.Is(err, sekoia.ErrConflict))
	// Output:
	// Isolate the host activated: true
	// deny afterwards is a conflict: true
}

func ExampleAlertsService_Count() {
	srv := startFake()
	defer srv.Close()
	srv.SeedAlerts(40)
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}

	// The filters of List; its paging and sorting fields are ignored.
	n, err := c.Alerts.Count(context.Background(), &sekoia.AlertListOptions{
		Statuses: []sekoia.Status{sekoia.StatusPending},
		Urgency:  &sekoia.IntRange{Min: 0, Max: 100},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("pending alerts:", n)
	// Output:
	// pending alerts: 40
}

func ExampleAlertsService_SetCustomFields() {
	srv := startFake()
	defer srv.Close()
	alert := srv.SeedAlerts(1)[0]
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// A workspace admin defines the field once…
	team, err := c.CustomFields.Create(ctx, sekoia.CustomFieldCreate{
		Name: "Team", Type: sekoia.FieldSingleSelect, Options: []string{"blue", "red"},
	})
	if err != nil {
		log.Fatal(err)
	}
	// …and the analysts set it on alerts: a value of the field's type (one
	// of its options here); nil clears it.
	fields, err := c.Alerts.SetCustomFields(ctx, alert.UUID, []sekoia.CustomFieldValue{{UUID: team.UUID, Value: "red"}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(fields[0].Name, string(fields[0].Value))

	_, err = c.Alerts.SetCustomFields(ctx, alert.UUID, []sekoia.CustomFieldValue{{UUID: team.UUID, Value: "green"}})
	var apiErr *sekoia.APIError
	fmt.Println("not an option:", errors.As(err, &apiErr) && apiErr.StatusCode == 400)
	// Output:
	// Team "red"
	// not an option: true
}
