package cmd

import (
	"errors"
	"net/http"

	"github.com/spf13/cobra"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/explain"
	"github.com/orderflow/flowctl/internal/report"
)

const orderCancelLong = `cancel sends POST /orders/{id}/cancel, the customer's cancellation. order-svc
answers 202 CANCELLED (events: the order was not final; releasing its stock
and voiding its invoice follow over Kafka — watch them with flowctl order
watch), 200 CANCELLED (already cancelled, or sync: cancelled while its placing
request was in flight, what was done already undone) or 409 when the order
ended otherwise (too late: the answer's detail says how it ended).`

func newOrderCancelCmd(g *globals) *cobra.Command {
	var f orderFlags
	c := &cobra.Command{
		Use:   "cancel --mode sync|events|events-orchestration ID",
		Short: "Cancel one order as its customer would (ID may be the short id the demo prints)",
		Long:  orderCancelLong,
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
			res, err := orders.Cancel(c.Context(), id)
			pe, tooLate := errors.AsType[*api.ProblemError](err)
			if tooLate = tooLate && pe.Status == http.StatusConflict; err != nil && !tooLate {
				return explain.Unreachable(err, "order-svc at "+base, string(m))
			}
			if f.asJSON {
				return printJSON(g.env.Stdout, report.CancelJSON(res, pe))
			}
			report.Cancelled(g.env.Stdout, res, pe, string(m))
			return nil
		},
	}
	f.register(c)
	return c
}
