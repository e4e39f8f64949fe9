package report

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/termsafe"
)

// Cancelled writes what POST /orders/{id}/cancel answered: the order
// CANCELLED and what is still to be undone, or (tooLate, a 409) how the
// order ended instead.
func Cancelled(w io.Writer, c api.Cancellation, tooLate *api.ProblemError, mode string) {
	fmt.Fprintf(w, "POST /orders/%s/cancel → %d %s\n", c.Order.ID, c.HTTPStatus, http.StatusText(c.HTTPStatus))
	if tooLate != nil {
		fmt.Fprintf(w, "not cancelled: %s — %s\n", termsafe.String(tooLate.Title), termsafe.String(tooLate.Detail))
		return
	}
	fmt.Fprintf(w, "order %s is %s", termsafe.String(c.Order.ID), termsafe.String(c.Order.Status))
	if c.Order.Reason != "" {
		fmt.Fprintf(w, " (%s)", termsafe.String(c.Order.Reason))
	}
	fmt.Fprintln(w)
	if len(c.Order.Timeline) > 0 {
		fmt.Fprintf(w, "timeline  %s\n", Timeline(c.Order.Timeline))
	}
	if c.HTTPStatus == http.StatusAccepted {
		undo := "whatever it holds"
		if awaited := api.AwaitedCompensations(c.Order); len(awaited) > 0 {
			undo = strings.Join(awaited, " and ")
		}
		fmt.Fprintf(w, "%s follows over Kafka: flowctl order watch --mode %s %s\n", undo, mode, ShortID(c.Order.ID))
	}
}

// CancelJSON is `order cancel --json`: the HTTP status, the order and, for
// a 409, the problem.
func CancelJSON(c api.Cancellation, tooLate *api.ProblemError) map[string]any {
	out := map[string]any{"http_status": c.HTTPStatus, "order": c.Order}
	if tooLate != nil {
		out["problem"] = map[string]any{"title": tooLate.Title, "detail": tooLate.Detail, "type": tooLate.Type}
	}
	return out
}
