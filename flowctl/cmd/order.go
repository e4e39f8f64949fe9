package cmd

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/explain"
	"github.com/orderflow/flowctl/internal/report"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/termsafe"
)

// orderFlags are shared by the order subcommands.
type orderFlags struct {
	mode   string
	asJSON bool
}

func (f *orderFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&f.mode, "mode", "", "which stack's order-svc: sync, events or events-orchestration (required)")
	c.Flags().BoolVar(&f.asJSON, "json", false, "print JSON")
}

// client returns the order-svc client of the chosen stack.
func (f *orderFlags) client(g *globals) (*api.Orders, stackmode.Mode, string, error) {
	m, err := stack.ParseMode(f.mode)
	if err != nil {
		return nil, "", "", err
	}
	base := g.stacks.URLs(m)[topology.OrderSvc]
	return api.NewOrders(base, nil), m, base, nil
}

// jaegerUI is Jaeger's UI base URL where the runtime serves one (Docker),
// else "": natively Jaeger shows a placeholder page.
func jaegerUI(ctx context.Context, g *globals) string {
	if rt, err := g.stacks.Runtime(ctx); err == nil && rt.JaegerUI() {
		return g.stacks.Jaeger
	}
	return ""
}

func newOrderCmd(g *globals) *cobra.Command {
	c := &cobra.Command{
		Use:   "order",
		Short: "Place, get, list, watch and cancel orders of one stack's order-svc",
	}
	c.AddCommand(newOrderPlaceCmd(g), newOrderGetCmd(g), newOrderListCmd(g), newOrderWatchCmd(g), newOrderCancelCmd(g))
	return c
}

const orderPlaceLong = `place sends POST /orders. order-svc answers by the order's status: 201 CONFIRMED
(sync), 202 PENDING (events: the outcome comes later), 409 REJECTED (out of
stock) or 503 FAILED. A rejected or failed order still exists and is shown.`

type placeFlags struct {
	orderFlags
	customer string
	items    []string
}

func newOrderPlaceCmd(g *globals) *cobra.Command {
	f := &placeFlags{}
	c := &cobra.Command{
		Use:   "place --mode sync|events|events-orchestration --customer C --item SKU-001:2 [--item …]",
		Short: "Place one order",
		Long:  orderPlaceLong,
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runPlace(c, g, f)
		},
	}
	f.register(c)
	c.Flags().StringVar(&f.customer, "customer", "", "customer id (required)")
	c.Flags().StringArrayVar(&f.items, "item", nil, "SKU:QTY, repeatable (seeded: SKU-001…SKU-004 plenty, SKU-005 only 3, SKU-404 none)")
	return c
}

func runPlace(c *cobra.Command, g *globals, f *placeFlags) error {
	orders, m, base, err := f.client(g)
	if err != nil {
		return err
	}
	req, err := placeRequest(f.customer, f.items)
	if err != nil {
		return err
	}
	p, err := orders.Place(c.Context(), req)
	pe, isProblem := errors.AsType[*api.ProblemError](err)
	if err != nil && !(isProblem && p.Order.ID != "") {
		return explain.Unreachable(err, "order-svc at "+base, string(m))
	}
	if f.asJSON {
		out := map[string]any{"http_status": p.HTTPStatus, "order": p.Order}
		if isProblem {
			out["problem"] = map[string]any{"title": pe.Title, "detail": pe.Detail, "type": pe.Type}
		}
		return printJSON(g.env.Stdout, out)
	}
	w := g.env.Stdout
	fmt.Fprintf(w, "POST /orders → %d %s\n", p.HTTPStatus, http.StatusText(p.HTTPStatus))
	if isProblem {
		fmt.Fprintf(w, "order %s is %s: %s — %s\n", termsafe.String(p.Order.ID), termsafe.String(p.Order.Status), termsafe.String(pe.Title), termsafe.String(pe.Detail))
		return nil
	}
	report.Order(w, p.Order, jaegerUI(c.Context(), g), string(m))
	if !p.Order.Final {
		fmt.Fprintf(w, "follow it: flowctl order get --mode %s %s\n", m, report.ShortID(p.Order.ID))
	}
	return nil
}

// placeRequest builds an order from --customer and the --item flags.
func placeRequest(customer string, items []string) (api.PlaceRequest, error) {
	req := api.PlaceRequest{CustomerID: customer}
	if strings.TrimSpace(customer) == "" { // said here, not as the server's "minimum string length is 1"
		return req, errors.New("--customer is required (e.g. --customer cust-1)")
	}
	for _, it := range items {
		l, err := parseItem(it)
		if err != nil {
			return req, err
		}
		req.Items = append(req.Items, l)
	}
	if len(req.Items) == 0 {
		return req, errors.New("no --item given: add at least one, e.g. --item SKU-001:2")
	}
	return req, nil
}

// parseItem reads "SKU-001:2" (a missing quantity means 1).
func parseItem(s string) (api.Line, error) {
	sku, qty, found := strings.Cut(s, ":")
	n := 1
	if found {
		var err error
		if n, err = strconv.Atoi(qty); err != nil || n < 1 {
			return api.Line{}, fmt.Errorf("--item %q: the quantity after ':' must be a whole number ≥ 1, e.g. SKU-001:2", s)
		}
	}
	if sku = strings.TrimSpace(sku); sku == "" {
		return api.Line{}, fmt.Errorf("--item %q: use SKU:QTY, e.g. SKU-001:2", s)
	}
	return api.Line{SKU: sku, Qty: n}, nil
}

func newOrderGetCmd(g *globals) *cobra.Command {
	var f orderFlags
	c := &cobra.Command{
		Use:   "get --mode sync|events|events-orchestration ID",
		Short: "Show one order: status, timeline, trace (ID may be the short id the demo prints)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			orders, m, base, err := f.client(g)
			if err != nil {
				return err
			}
			id, err := orders.ResolveID(c.Context(), args[0])
			if err != nil {
				return explain.Unreachable(err, "order-svc at "+base, string(m))
			}
			o, err := orders.Get(c.Context(), id)
			if err != nil {
				return explain.Unreachable(err, "order-svc at "+base, string(m))
			}
			if f.asJSON {
				return printJSON(g.env.Stdout, o)
			}
			report.Order(g.env.Stdout, o, jaegerUI(c.Context(), g), string(m))
			return nil
		},
	}
	f.register(c)
	return c
}

func newOrderListCmd(g *globals) *cobra.Command {
	var f orderFlags
	var limit int
	c := &cobra.Command{
		Use:   "list --mode sync|events|events-orchestration [--limit N]",
		Short: "List the newest orders",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if limit < 1 || limit > 500 {
				return fmt.Errorf("--limit %d: use 1 to 500", limit)
			}
			orders, m, base, err := f.client(g)
			if err != nil {
				return err
			}
			list, err := orders.List(c.Context(), limit)
			if err != nil {
				return explain.Unreachable(err, "order-svc at "+base, string(m))
			}
			if f.asJSON {
				return printJSON(g.env.Stdout, list)
			}
			return report.Orders(g.env.Stdout, list)
		},
	}
	f.register(c)
	c.Flags().IntVar(&limit, "limit", 20, "how many orders (1–500)")
	return c
}
