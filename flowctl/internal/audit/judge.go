package audit

import (
	"fmt"
	"time"

	"github.com/orderflow/flowctl/internal/api"
)

// The statuses the rules name (order-svc's, inventory-svc's, invoicing-svc's).
const (
	confirmed = "CONFIRMED"
	held      = "RESERVED" // a reservation that holds stock (the design's HELD)
	issued    = "ISSUED"
)

// judge applies every rule to a snapshot. Orders are held against the other
// services only when they were final before those were read (s.first);
// what order-svc has, and which orders are past the deadline, come from the
// last read (s.last).
func judge(s snapshot, dl deadline) Report {
	holds := map[string][]api.Reservation{}
	for _, r := range s.reservations {
		if string(r.Status) == held {
			holds[r.OrderID] = append(holds[r.OrderID], r)
		}
	}
	charges := map[string][]api.Invoice{}
	chargedTo := map[string]int64{}
	for _, inv := range s.invoices {
		if string(inv.Status) == issued {
			charges[inv.OrderID] = append(charges[inv.OrderID], inv)
			chargedTo[inv.CustomerID] += inv.TotalCents
		}
	}
	rep := Report{Deadline: dl.label, Checked: Counts{ByStatus: map[string]int{}, Reservations: len(s.reservations),
		Invoices: len(s.invoices), Customers: len(s.credits), SKUs: len(s.ledger)}}
	var bs []Breach
	known := map[string]bool{}
	finalFirst := map[string]bool{}
	for _, o := range s.first {
		known[o.ID] = true
		if o.Final {
			finalFirst[o.ID] = true
			rep.Checked.Judged++
			bs = append(bs, judgeOrder(o, holds[o.ID], charges[o.ID])...)
		}
	}
	unsettled := map[string]bool{} // customers with an order decided during the check
	for _, o := range s.last {
		known[o.ID] = true
		rep.Checked.Orders++
		rep.Checked.ByStatus[string(o.Status)]++
		if finalFirst[o.ID] {
			continue
		}
		unsettled[o.CustomerID] = true
		if age := s.at.Sub(o.PlacedAt); !o.Final && dl.d > 0 && age > dl.d {
			bs = append(bs, Breach{Kind: PastDeadline, OrderID: o.ID,
				What: fmt.Sprintf("%s for %s, over the deadline (%s)", o.Status, age.Round(time.Millisecond), dl.label)})
			continue
		}
		rep.InFlight++
	}
	bs = append(bs, unknownOrders(known, holds, charges)...)
	for cust, c := range s.credits {
		if !unsettled[cust] && c.ChargedCents != chargedTo[cust] {
			bs = append(bs, Breach{Kind: CreditNotRestored, Customer: cust,
				What: fmt.Sprintf("charged %s, but its ISSUED invoices add up to %s", euros(c.ChargedCents), euros(chargedTo[cust]))})
		}
	}
	for _, l := range s.ledger {
		if l.OnHand != l.MovementsOnHand {
			bs = append(bs, Breach{Kind: StockOnHand, SKU: l.SKU,
				What: fmt.Sprintf("on_hand %d, but its opening stock and movements add up to %d", l.OnHand, l.MovementsOnHand)})
		}
		if l.Reserved != l.Held {
			bs = append(bs, Breach{Kind: StockReserved, SKU: l.SKU,
				What: fmt.Sprintf("reserved %d, but its held reservations hold %d", l.Reserved, l.Held)})
		}
	}
	sortBreaches(bs)
	rep.Breaches = bs
	return rep
}

// judgeOrder holds one final order against its held reservations and its
// ISSUED invoices.
func judgeOrder(o api.Order, hs []api.Reservation, invs []api.Invoice) []Breach {
	var bs []Breach
	if string(o.Status) == confirmed {
		if len(hs) != 1 {
			bs = append(bs, Breach{Kind: ConfirmedNotHeld, OrderID: o.ID,
				What: fmt.Sprintf("CONFIRMED with %d held reservations, want exactly 1", len(hs))})
		}
		if len(invs) != 1 {
			bs = append(bs, Breach{Kind: ConfirmedNotCharged, OrderID: o.ID,
				What: fmt.Sprintf("CONFIRMED with %d ISSUED invoices, want exactly 1", len(invs))})
		}
		return bs
	}
	ended := string(o.Status)
	if o.Reason != "" {
		ended += " (" + o.Reason + ")"
	}
	for _, r := range hs {
		bs = append(bs, Breach{Kind: EndedStillHeld, OrderID: o.ID,
			What: fmt.Sprintf("%s, yet reservation %s still holds %d units", ended, r.ReservationID, units(r.Items))})
	}
	for _, inv := range invs {
		bs = append(bs, Breach{Kind: EndedStillCharged, OrderID: o.ID,
			What: fmt.Sprintf("%s, yet invoice %s is ISSUED (%s charged to %s)", ended, inv.InvoiceID, euros(inv.TotalCents), inv.CustomerID)})
	}
	return bs
}

// unknownOrders are held reservations and ISSUED invoices of orders
// order-svc does not have.
func unknownOrders(known map[string]bool, holds map[string][]api.Reservation, charges map[string][]api.Invoice) []Breach {
	var bs []Breach
	for id, hs := range holds {
		for _, r := range hs {
			if !known[id] {
				bs = append(bs, Breach{Kind: UnknownOrderHeld, OrderID: id,
					What: fmt.Sprintf("order-svc has no such order, yet reservation %s holds %d units for it", r.ReservationID, units(r.Items))})
			}
		}
	}
	for id, invs := range charges {
		for _, inv := range invs {
			if !known[id] {
				bs = append(bs, Breach{Kind: UnknownOrderCharged, OrderID: id,
					What: fmt.Sprintf("order-svc has no such order, yet invoice %s is ISSUED (%s charged to %s)", inv.InvoiceID, euros(inv.TotalCents), inv.CustomerID)})
			}
		}
	}
	return bs
}

func units(items []api.Line) int {
	n := 0
	for _, l := range items {
		n += l.Qty
	}
	return n
}

// euros shows cents as "€12.34" (the demo charges in EUR).
func euros(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s€%d.%02d", sign, cents/100, cents%100)
}
