package itest

import (
	"context"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/service"

	fraud "github.com/orderflow/fraud-svc/app"
	inventory "github.com/orderflow/inventory-svc/app"
	invoicing "github.com/orderflow/invoicing-svc/app"
	orders "github.com/orderflow/order-svc/app"
)

// stackNames are the services startStack runs, callees first: fraud-svc
// only with the fraud check on.
func stackNames(o stackOpts) []string {
	names := []string{inventory.Name, invoicing.Name}
	if o.fraudCheck {
		names = append(names, fraud.Name)
	}
	return append(names, orders.Name)
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

// newApp wires the named service in process and keeps it on s.
func (s *stack) newApp(ctx context.Context, name string, cfg config.Config, opts service.Options) *service.App {
	s.t.Helper()
	switch name {
	case inventory.Name:
		a, err := inventory.New(ctx, cfg, opts)
		if err != nil {
			s.t.Fatal(err)
		}
		s.inventory = a
		return a.App
	case invoicing.Name:
		a, err := invoicing.New(ctx, cfg, opts)
		if err != nil {
			s.t.Fatal(err)
		}
		s.invoicing = a
		return a.App
	case fraud.Name:
		a, err := fraud.New(ctx, cfg, opts)
		if err != nil {
			s.t.Fatal(err)
		}
		s.fraud = a
		return a.App
	case orders.Name:
		a, err := orders.New(ctx, cfg, opts)
		if err != nil {
			s.t.Fatal(err)
		}
		s.order = a
		return a.App
	}
	s.t.Fatalf("unknown service %s", name)
	return nil
}
