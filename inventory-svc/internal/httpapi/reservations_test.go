package httpapi

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/httpserver"
	"github.com/orderflow/platform/problem"

	"github.com/orderflow/inventory-svc/internal/stock"
	"github.com/orderflow/inventory-svc/internal/store"
)

// newModeAPI serves the API as app.New wires it in mode.
func newModeAPI(t *testing.T, mode config.Mode) (*echo.Echo, *store.Store) {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "inventory.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := httpserver.New(httpserver.Options{
		Service: "inventory-svc", Mode: string(mode), Logger: slog.New(slog.DiscardHandler),
		Tracer: sdktrace.NewTracerProvider(), Propagator: propagation.TraceContext{}, Registry: httpserver.NewRegistry(),
	})
	if err := (&API{Store: st, Now: func() time.Time { return t0 }, Mode: mode}).Register(e); err != nil {
		t.Fatal(err)
	}
	return e, st
}

// holdFor reserves lines for orderID straight in the store (as the events
// listener would) and returns the reservation.
func holdFor(t *testing.T, st *store.Store, orderID string, lines ...stock.Line) stock.Reservation {
	t.Helper()
	var r stock.Reservation
	if err := st.InTx(context.Background(), func(tx *sql.Tx) error {
		var err error
		r, _, err = store.Reserve(context.Background(), tx, orderID, lines, t0)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestReservationWritesByMode: in sync mode order-svc reserves and releases
// over REST; in events mode both writes answer 409 wrong-mode, naming the
// mode and what owns the change, and change nothing.
func TestReservationWritesByMode(t *testing.T) {
	const order = "0b6f3c4e-6a8e-4d5b-9a55-1f4f0c9d2e22"
	for _, mode := range []config.Mode{config.ModeSync, config.ModeEvents} {
		t.Run(string(mode), func(t *testing.T) {
			e, st := newModeAPI(t, mode)
			held := holdFor(t, st, "0b6f3c4e-6a8e-4d5b-9a55-1f4f0c9d2e33", stock.Line{SKU: "SKU-004", Qty: 4})
			post := call(t, e, http.MethodPost, "/reservations", fmt.Sprintf(`{"order_id":%q,"items":[{"sku":"SKU-004","qty":1}]}`, order))
			del := call(t, e, http.MethodPost, "/reservations/"+held.ID+"/release", "")
			if mode == config.ModeSync {
				if post.code != http.StatusCreated || post.body["status"] != stock.StatusReserved || del.code != http.StatusOK || del.body["status"] != stock.StatusReleased {
					t.Fatalf("sync: POST = %d %v, release = %d %v; want 201 RESERVED, 200 RELEASED", post.code, post.body, del.code, del.body)
				}
				return
			}
			for name, r := range map[string]reply{"POST /reservations": post, "POST /reservations/{id}/release": del} {
				if r.code != http.StatusConflict || r.ct != problem.ContentType || r.body["type"] != problem.TypeBase+"wrong-mode" ||
					r.body["mode"] != "events" || r.body["owned_by"] != reservationsOwner {
					t.Errorf("events: %s = %d %s %v; want 409 wrong-mode naming the mode and the events", name, r.code, r.ct, r.body)
				}
			}
			if n, _ := st.ReservationCount(context.Background(), order); n != 0 {
				t.Errorf("events: POST reserved anyway (%d rows)", n)
			}
			if got, _ := st.Reservation(context.Background(), held.ID); got.Status != stock.StatusReserved {
				t.Errorf("events: POST …/release released anyway: %+v", got)
			}
			// Reads stay open in either mode.
			if r := call(t, e, http.MethodGet, "/reservations/"+held.ID, ""); r.code != http.StatusOK {
				t.Errorf("events: GET reservation = %d %v", r.code, r.body)
			}
		})
	}
}

// TestListReservations: pages by id with next_after, filters by order and
// status, shows a release's reason and detail; bad parameters are 400.
func TestListReservations(t *testing.T) {
	e, st := newModeAPI(t, config.ModeEvents)
	var ids []string
	for i := range 3 {
		ids = append(ids, holdFor(t, st, fmt.Sprintf("0b6f3c4e-6a8e-4d5b-9a55-%012d", i), stock.Line{SKU: "SKU-001", Qty: 1}).ID)
	}
	first, err := st.Reservation(context.Background(), ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := st.InTx(context.Background(), func(tx *sql.Tx) error {
		_, err := store.ReleaseHeld(context.Background(), tx, first, stock.ReleaseCause{Reason: events.ReasonPaymentDeclined, Detail: "over the limit"}, t0.Add(time.Second))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	seen, after := 0, ""
	for page := 0; ; page++ {
		path := "/reservations?limit=2"
		if after != "" {
			path += "&after=" + after
		}
		r := call(t, e, http.MethodGet, path, "")
		if r.code != http.StatusOK {
			t.Fatalf("GET %s = %d %v", path, r.code, r.body)
		}
		seen += int(r.body["count"].(float64))
		next, _ := r.body["next_after"].(string)
		if next == "" {
			if page != 1 || seen != 3 {
				t.Fatalf("paged %d reservations in %d pages, want 3 in 2", seen, page+1)
			}
			break
		}
		after = next
	}
	r := call(t, e, http.MethodGet, "/reservations?status=RELEASED&order_id=0b6f3c4e-6a8e-4d5b-9a55-000000000000", "")
	list, _ := r.body["reservations"].([]any)
	if r.code != http.StatusOK || len(list) != 1 {
		t.Fatalf("RELEASED of the first order = %d %v", r.code, r.body)
	}
	got := list[0].(map[string]any)
	if got["reservation_id"] != ids[0] || got["reason"] != events.ReasonPaymentDeclined || got["detail"] != "over the limit" || got["released_at"] != "2025-11-03T09:00:01Z" {
		t.Fatalf("released reservation = %v", got)
	}
	for _, bad := range []string{"?status=HELD", "?limit=0", "?limit=501", "?after=xyz", "?order_id=42"} {
		if r := call(t, e, http.MethodGet, "/reservations"+bad, ""); r.code != http.StatusBadRequest || r.body["type"] != problem.TypeBase+"validation" {
			t.Errorf("GET /reservations%s = %d %v, want 400 validation", bad, r.code, r.body)
		}
	}
}

// TestStockLedger: per SKU the stock beside what it must equal; a SKU whose
// stock was changed outside its records does not agree.
func TestStockLedger(t *testing.T) {
	e, st := newModeAPI(t, config.ModeSync)
	holdFor(t, st, "0b6f3c4e-6a8e-4d5b-9a55-1f4f0c9d2e44", stock.Line{SKU: "SKU-005", Qty: 2})
	if r := call(t, e, http.MethodPost, "/stock/SKU-005/receipts", `{"quantity":10}`); r.code != http.StatusCreated {
		t.Fatalf("receipt = %d %v", r.code, r.body)
	}
	if _, err := st.DB.Exec(`UPDATE stock SET on_hand = on_hand + 1 WHERE sku = 'SKU-002'`); err != nil {
		t.Fatal(err)
	}
	r := call(t, e, http.MethodGet, "/stock/ledger", "")
	items, _ := r.body["items"].([]any)
	if r.code != http.StatusOK || len(items) != len(stock.Seed) {
		t.Fatalf("GET /stock/ledger = %d %v", r.code, r.body)
	}
	by := map[string]map[string]any{}
	for _, it := range items {
		m := it.(map[string]any)
		by[m["sku"].(string)] = m
	}
	want005 := map[string]any{"sku": "SKU-005", "on_hand": 13.0, "reserved": 2.0, "opening_on_hand": 3.0, "movements": 10.0, "movements_on_hand": 13.0, "held": 2.0, "agrees": true}
	for k, v := range want005 {
		if by["SKU-005"][k] != v {
			t.Errorf("SKU-005 %s = %v, want %v", k, by["SKU-005"][k], v)
		}
	}
	if by["SKU-002"]["agrees"] != false || by["SKU-002"]["on_hand"] != by["SKU-002"]["movements_on_hand"].(float64)+1 {
		t.Errorf("SKU-002 changed outside its records = %v, want it not to agree", by["SKU-002"])
	}
}
