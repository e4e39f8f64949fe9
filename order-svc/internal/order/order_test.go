package order_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/platform/problem"

	"github.com/orderflow/order-svc/internal/order"
)

func lines(n int) []order.Line {
	out := make([]order.Line, n)
	for i := range out {
		out[i] = order.Line{SKU: fmt.Sprintf("SKU-%03d", i+1), Qty: 1}
	}
	return out
}

func TestDraftValidate(t *testing.T) {
	one := []order.Line{{SKU: "SKU-001", Qty: 2}}
	tests := []struct {
		name  string
		draft order.Draft
		want  []string // fields at fault, in order
	}{
		{"valid", order.Draft{CustomerID: "cust-1", Items: one}, nil},
		{"valid at the limits", order.Draft{CustomerID: strings.Repeat("c", order.MaxCustomerIDLen), Items: append(lines(order.MaxItems-1), order.Line{SKU: "A1-B2-C3-D4", Qty: 1000})}, nil},
		{"empty customer", order.Draft{CustomerID: "", Items: one}, []string{"customer_id"}},
		{"blank customer", order.Draft{CustomerID: "   ", Items: one}, []string{"customer_id"}},
		{"customer too long", order.Draft{CustomerID: strings.Repeat("c", order.MaxCustomerIDLen+1), Items: one}, []string{"customer_id"}},
		// Characters, not bytes: the spec's maxLength counts characters.
		{"customer at the limit in multi-byte characters", order.Draft{CustomerID: strings.Repeat("€", order.MaxCustomerIDLen), Items: one}, nil},
		{"customer too long in multi-byte characters", order.Draft{CustomerID: strings.Repeat("€", order.MaxCustomerIDLen+1), Items: one}, []string{"customer_id"}},
		{"no items", order.Draft{CustomerID: "c"}, []string{"items"}},
		{"too many items", order.Draft{CustomerID: "c", Items: lines(order.MaxItems + 1)}, []string{"items"}},
		{"qty 0", order.Draft{CustomerID: "c", Items: []order.Line{{SKU: "SKU-001", Qty: 0}}}, []string{"items[0].qty"}},
		{"qty 1001", order.Draft{CustomerID: "c", Items: []order.Line{{SKU: "SKU-001", Qty: 1001}}}, []string{"items[0].qty"}},
		{"negative qty", order.Draft{CustomerID: "c", Items: []order.Line{{SKU: "SKU-001", Qty: -1}}}, []string{"items[0].qty"}},
		{"lower-case sku", order.Draft{CustomerID: "c", Items: []order.Line{{SKU: "sku-001", Qty: 1}}}, []string{"items[0].sku"}},
		{"empty sku", order.Draft{CustomerID: "c", Items: []order.Line{{SKU: "", Qty: 1}}}, []string{"items[0].sku"}},
		{"sku with a space", order.Draft{CustomerID: "c", Items: []order.Line{{SKU: "SKU 001", Qty: 1}}}, []string{"items[0].sku"}},
		{"duplicate sku", order.Draft{CustomerID: "c", Items: []order.Line{{SKU: "SKU-001", Qty: 1}, {SKU: "SKU-002", Qty: 1}, {SKU: "SKU-001", Qty: 3}}}, []string{"items[2].sku"}},
		{"several errors at once", order.Draft{CustomerID: "", Items: []order.Line{{SKU: "bad", Qty: 0}, {SKU: "SKU-002", Qty: 1001}}},
			[]string{"customer_id", "items[0].sku", "items[0].qty", "items[1].qty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := tt.draft.Validate()
			var got []string
			for _, e := range errs {
				got = append(got, e.Field)
				if e.Detail == "" {
					t.Errorf("field %s has no detail", e.Field)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("fields at fault = %v, want %v (%+v)", got, tt.want, errs)
			}
		})
	}
}

func TestDraftValidateDetails(t *testing.T) {
	errs := order.Draft{CustomerID: "c", Items: []order.Line{{SKU: "SKU-001", Qty: 1}, {SKU: "SKU-001", Qty: 1}}}.Validate()
	want := []problem.FieldError{{Field: "items[1].sku", Detail: "SKU-001 already appears in items[0]: put the total quantity on one line"}}
	if !reflect.DeepEqual(errs, want) {
		t.Fatalf("errors = %+v, want %+v", errs, want)
	}
}

var t0 = time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)

func at(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }

func TestNew(t *testing.T) {
	o := order.New("id-1", order.Draft{CustomerID: "  cust-1 ", Items: []order.Line{{SKU: "SKU-001", Qty: 1}}}, "trace", at(0).In(time.FixedZone("X", 7200)))
	if o.Status != order.Pending || o.CustomerID != "cust-1" || o.TraceID != "trace" || !o.PlacedAt.Equal(t0) || o.PlacedAt.Location() != time.UTC || !o.UpdatedAt.Equal(t0) {
		t.Fatalf("New = %+v", o)
	}
	if o.Status.Final() {
		t.Fatal("PENDING is final")
	}
}

// step is one state-machine call.
type step struct {
	name string
	do   func(o *order.Order) error
}

var (
	reserve  = step{"reserve", func(o *order.Order) error { return o.MarkReserved("res-1", at(10)) }}
	reserve2 = step{"reserve again", func(o *order.Order) error { return o.MarkReserved("res-1", at(40)) }}
	invoice  = step{"invoice", func(o *order.Order) error { return o.MarkInvoiced("inv-1", 3780, at(20)) }}
	reject   = step{"reject", func(o *order.Order) error { return o.MarkRejected("SKU-005: 5 requested, 3 available", at(15)) }}
	fail     = step{"fail", func(o *order.Order) error { return o.MarkFailed("inventory-svc unavailable", at(30)) }}
)

func TestStateMachine(t *testing.T) {
	tests := []struct {
		name    string
		steps   []step
		wantErr int // index of the step that must fail with ErrTransition (-1: none)
		want    order.Status
		check   func(t *testing.T, o order.Order)
	}{
		{name: "pending → reserved", steps: []step{reserve}, wantErr: -1, want: order.Reserved, check: func(t *testing.T, o order.Order) {
			if !o.ReservedAt.Equal(at(10)) || !o.UpdatedAt.Equal(at(10)) {
				t.Errorf("ReservedAt %v UpdatedAt %v", o.ReservedAt, o.UpdatedAt)
			}
		}},
		{name: "pending → reserved → confirmed", steps: []step{reserve, invoice}, wantErr: -1, want: order.Confirmed, check: func(t *testing.T, o order.Order) {
			if o.InvoiceID != "inv-1" || o.TotalCents != 3780 || !o.ConfirmedAt.Equal(at(20)) || !o.InvoicedAt.Equal(at(20)) || !o.ReservedAt.Equal(at(10)) {
				t.Errorf("order = %+v", o)
			}
		}},
		{name: "invoice before reservation: pending → confirmed, then reserved keeps confirmed", steps: []step{invoice, reserve2}, wantErr: -1, want: order.Confirmed, check: func(t *testing.T, o order.Order) {
			if !o.ConfirmedAt.Equal(at(20)) || !o.ReservedAt.Equal(at(40)) || o.InvoiceID != "inv-1" || !o.UpdatedAt.Equal(at(40)) {
				t.Errorf("order = %+v, want confirmed at 20ms and reserved recorded at 40ms", o)
			}
		}},
		{name: "reserved twice keeps the first time", steps: []step{reserve, reserve2}, wantErr: -1, want: order.Reserved, check: func(t *testing.T, o order.Order) {
			if !o.ReservedAt.Equal(at(10)) {
				t.Errorf("ReservedAt = %v, want the first", o.ReservedAt)
			}
		}},
		{name: "invoiced twice keeps the first confirmation", steps: []step{reserve, invoice, {"invoice again", func(o *order.Order) error { return o.MarkInvoiced("inv-1", 3780, at(50)) }}}, wantErr: -1, want: order.Confirmed, check: func(t *testing.T, o order.Order) {
			if !o.ConfirmedAt.Equal(at(20)) || !o.InvoicedAt.Equal(at(20)) {
				t.Errorf("ConfirmedAt %v InvoicedAt %v, want the first (20ms)", o.ConfirmedAt, o.InvoicedAt)
			}
		}},
		{name: "pending → rejected", steps: []step{reject}, wantErr: -1, want: order.Rejected, check: func(t *testing.T, o order.Order) {
			if o.Reason != "SKU-005: 5 requested, 3 available" || !o.RejectedAt.Equal(at(15)) {
				t.Errorf("order = %+v", o)
			}
		}},
		{name: "rejected twice is a no-op", steps: []step{reject, reject}, wantErr: -1, want: order.Rejected},
		{name: "pending → failed", steps: []step{fail}, wantErr: -1, want: order.Failed, check: func(t *testing.T, o order.Order) {
			if o.Reason != "inventory-svc unavailable" || !o.FailedAt.Equal(at(30)) {
				t.Errorf("order = %+v", o)
			}
		}},
		{name: "reserved → failed", steps: []step{reserve, fail}, wantErr: -1, want: order.Failed},
		{name: "rejected cannot be reserved", steps: []step{reject, reserve}, wantErr: 1, want: order.Rejected},
		{name: "rejected cannot be invoiced", steps: []step{reject, invoice}, wantErr: 1, want: order.Rejected},
		{name: "confirmed cannot be rejected", steps: []step{reserve, invoice, reject}, wantErr: 2, want: order.Confirmed},
		{name: "reserved cannot be rejected", steps: []step{reserve, reject}, wantErr: 1, want: order.Reserved},
		{name: "confirmed cannot fail", steps: []step{invoice, fail}, wantErr: 1, want: order.Confirmed},
		{name: "failed cannot fail again", steps: []step{fail, fail}, wantErr: 1, want: order.Failed},
		{name: "failed cannot be invoiced", steps: []step{fail, invoice}, wantErr: 1, want: order.Failed},
		// The saga's table (issue 19): a StockReserved that arrives after the
		// order failed records its step and keeps FAILED (was: refused).
		{name: "failed stays failed when reserved late", steps: []step{fail, reserve2}, wantErr: -1, want: order.Failed, check: func(t *testing.T, o order.Order) {
			if !o.ReservedAt.Equal(at(40)) {
				t.Errorf("ReservedAt = %v, want the late step recorded", o.ReservedAt)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := order.New("id-1", order.Draft{CustomerID: "c", Items: []order.Line{{SKU: "SKU-001", Qty: 1}}}, "", at(0))
			for i, s := range tt.steps {
				before := o
				err := s.do(&o)
				if i == tt.wantErr {
					if !errors.Is(err, order.ErrTransition) {
						t.Fatalf("step %d (%s) from %s: err = %v, want ErrTransition", i, s.name, before.Status, err)
					}
					if !reflect.DeepEqual(o, before) {
						t.Fatalf("the refused step %s changed the order:\n%+v\nwas\n%+v", s.name, o, before)
					}
					continue
				}
				if err != nil {
					t.Fatalf("step %d (%s) from %s: %v", i, s.name, before.Status, err)
				}
			}
			if o.Status != tt.want {
				t.Fatalf("status = %s, want %s", o.Status, tt.want)
			}
			if tt.check != nil {
				tt.check(t, o)
			}
		})
	}
}

func TestFinal(t *testing.T) {
	for s, want := range map[order.Status]bool{order.Pending: false, order.Reserved: false, order.Confirmed: true, order.Rejected: true, order.Failed: true, order.Cancelled: true} {
		if s.Final() != want {
			t.Errorf("%s.Final() = %v, want %v", s, s.Final(), want)
		}
	}
}

func stepNames(o order.Order) []string {
	var out []string
	for _, s := range o.Timeline() {
		out = append(out, s.Step)
	}
	return out
}

func TestTimeline(t *testing.T) {
	o := order.New("id", order.Draft{CustomerID: "c"}, "", at(0))
	if got := stepNames(o); !reflect.DeepEqual(got, []string{"placed"}) {
		t.Fatalf("timeline of a new order = %v", got)
	}
	// Invoice first (on invoicing.v1), reservation later (on inventory.v1):
	// the timeline shows the steps in the order they happened.
	_ = o.MarkInvoiced("inv", 1, at(20))
	_ = o.MarkReserved("res-1", at(35))
	got := o.Timeline()
	if names := stepNames(o); !reflect.DeepEqual(names, []string{"placed", "invoiced", "confirmed", "reserved"}) {
		t.Fatalf("timeline = %v, want placed, invoiced, confirmed, reserved", names)
	}
	for i := 1; i < len(got); i++ {
		if got[i].At.Before(got[i-1].At) {
			t.Fatalf("timeline not in time order: %+v", got)
		}
	}

	o2 := order.New("id", order.Draft{CustomerID: "c"}, "", at(0))
	_ = o2.MarkReserved("res-1", at(5))
	_ = o2.MarkInvoiced("inv", 1, at(9))
	if names := stepNames(o2); !reflect.DeepEqual(names, []string{"placed", "reserved", "invoiced", "confirmed"}) {
		t.Fatalf("timeline = %v", names)
	}
}

func TestTimeToFinal(t *testing.T) {
	newOrder := func() order.Order { return order.New("id", order.Draft{CustomerID: "c"}, "", at(0)) }
	tests := []struct {
		name   string
		change func(o *order.Order)
		want   time.Duration
		final  bool
	}{
		{"pending", func(o *order.Order) {}, 0, false},
		{"reserved", func(o *order.Order) { _ = o.MarkReserved("res-1", at(10)) }, 0, false},
		{"confirmed", func(o *order.Order) { _ = o.MarkReserved("res-1", at(10)); _ = o.MarkInvoiced("i", 1, at(25)) }, 25 * time.Millisecond, true},
		{"confirmed then late reservation", func(o *order.Order) { _ = o.MarkInvoiced("i", 1, at(25)); _ = o.MarkReserved("res-1", at(90)) }, 25 * time.Millisecond, true},
		{"rejected", func(o *order.Order) { _ = o.MarkRejected("short", at(7)) }, 7 * time.Millisecond, true},
		{"failed", func(o *order.Order) { _ = o.MarkFailed("down", at(2000)) }, 2 * time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newOrder()
			tt.change(&o)
			d, ok := o.TimeToFinal()
			if ok != tt.final || d != tt.want {
				t.Fatalf("TimeToFinal = %v, %v; want %v, %v", d, ok, tt.want, tt.final)
			}
		})
	}
}
