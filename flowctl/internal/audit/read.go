package audit

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
)

// pageSize is the largest page every ledger read allows.
const pageSize = 500

// creditReaders bound the credit reads in flight (one per customer).
const creditReaders = 8

// snapshot is what one check read. The services are read one after the
// other, not in one transaction, so the orders are read twice: first, to
// know which orders were final before anything else was read (a final
// order's reservation and invoice were made before it became final, so
// they are in the reads that follow), and last, to know every order
// order-svc has once the other reads are done (so a reservation made for an
// order placed meanwhile is not taken for one of an order it never had).
type snapshot struct {
	first, last  []api.Order
	reservations []api.Reservation
	invoices     []api.Invoice
	ledger       []api.LedgerLine
	credits      map[string]api.Credit
	// at is when the last read of the orders ended: the orders' ages are
	// taken then.
	at time.Time
}

// read takes a snapshot in the order the snapshot's comment explains.
func read(ctx context.Context, c Clients, now func() time.Time) (snapshot, error) {
	var s snapshot
	var err error
	if s.first, err = pages(ctx, topology.OrderSvc+" orders", c.Orders.Page); err != nil {
		return s, err
	}
	if s.reservations, err = pages(ctx, topology.InventorySvc+" reservations", c.Inventory.Reservations); err != nil {
		return s, err
	}
	if s.invoices, err = pages(ctx, topology.InvoicingSvc+" invoices", c.Invoicing.Invoices); err != nil {
		return s, err
	}
	if s.ledger, err = c.Inventory.Ledger(ctx); err != nil {
		return s, fmt.Errorf("%s stock ledger: %w", topology.InventorySvc, err)
	}
	if s.credits, err = credits(ctx, c.Invoicing, customers(s.first, s.invoices)); err != nil {
		return s, err
	}
	if s.last, err = pages(ctx, topology.OrderSvc+" orders", c.Orders.Page); err != nil {
		return s, err
	}
	s.at = now()
	return s, nil
}

// pages reads every page of a paged list.
func pages[T any](ctx context.Context, what string, page func(context.Context, string, int) ([]T, string, error)) ([]T, error) {
	var all []T
	after := ""
	for {
		items, next, err := page(ctx, after, pageSize)
		if err != nil {
			return nil, fmt.Errorf("%s after %q: %w", what, after, err)
		}
		all = append(all, items...)
		if next == "" || len(items) == 0 {
			return all, nil
		}
		if next == after {
			return nil, fmt.Errorf("%s: the page after %q points at itself", what, after)
		}
		after = next
	}
}

// customers are every customer with an order or an invoice, sorted; an
// order cancelled as unknown_order has none.
func customers(orders []api.Order, invoices []api.Invoice) []string {
	seen := map[string]bool{}
	for _, o := range orders {
		seen[o.CustomerID] = true
	}
	for _, inv := range invoices {
		seen[inv.CustomerID] = true
	}
	delete(seen, "")
	out := make([]string, 0, len(seen))
	for c := range seen {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// credits reads each customer's credit, a few at a time.
func credits(ctx context.Context, inv *api.Invoicing, ids []string) (map[string]api.Credit, error) {
	out := make(map[string]api.Credit, len(ids))
	var mu sync.Mutex
	var firstErr error
	work := make(chan string)
	var wg sync.WaitGroup
	for range min(creditReaders, len(ids)) {
		wg.Go(func() {
			for id := range work {
				c, err := inv.Credit(ctx, id)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("%s credit of %s: %w", topology.InvoicingSvc, id, err)
				}
				out[id] = c
				mu.Unlock()
			}
		})
	}
	for _, id := range ids {
		mu.Lock()
		failed := firstErr != nil
		mu.Unlock()
		if failed {
			break
		}
		work <- id
	}
	close(work)
	wg.Wait()
	return out, firstErr
}
