package dashboard

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/stockup"
)

// Limits bound what the page may ask for: a workshop machine, not a
// benchmark rig (`flowctl bench` is that).
type Limits struct {
	MaxRate        float64 `json:"max_rate"`
	MaxDurationS   float64 `json:"max_duration_s"`
	MaxLoadOrders  int     `json:"max_load_orders"`
	MinDurationS   float64 `json:"min_duration_s"`
	DefaultRate    float64 `json:"default_rate"`
	DefaultSeconds float64 `json:"default_duration_s"`
}

var limits = Limits{MaxRate: 2000, MinDurationS: 1, MaxDurationS: 300, MaxLoadOrders: 20000, DefaultRate: 10, DefaultSeconds: 10}

// placeRequest is the body of POST /api/orders and /api/load.
type placeRequest struct {
	// Mode is a stack's name, or all.
	Mode string `json:"mode"`
	// Rate (orders/s) and DurationS (seconds) are for /api/load only.
	Rate      float64 `json:"rate"`
	DurationS float64 `json:"duration_s"`
}

// targets resolves a stack's name, or all (both, as the page said with two
// stacks): every stack shown.
func (s *Server) targets(w http.ResponseWriter, mode string) ([]*modeState, bool) {
	if mode == "all" || mode == "both" {
		out := make([]*modeState, 0, len(s.order))
		for _, m := range s.order {
			out = append(out, s.modes[m])
		}
		return out, true
	}
	ms, ok := s.modes[stackmode.Mode(mode)]
	if !ok {
		invalid(w, "mode", fmt.Sprintf("mode %q: use %s, or all", mode, s.modeList()))
		return nil, false
	}
	return []*modeState{ms}, true
}

// placeOne places one order on each chosen stack and answers with them as
// placed; their later steps arrive on the stream.
func (s *Server) placeOne(w http.ResponseWriter, r *http.Request) {
	var req placeRequest
	if !readJSON(w, r, &req) {
		return
	}
	if req.Rate != 0 || req.DurationS != 0 {
		invalid(w, "rate", "POST /api/orders places one order: send rate and duration_s to /api/load")
		return
	}
	mss, ok := s.targets(w, req.Mode)
	if !ok {
		return
	}
	// The order outlives the request: a page that hangs up (a reload) must
	// not turn an order on its way into a NOT PLACED row.
	ctx, cancel := context.WithTimeout(s.baseContext(), placeTimeout)
	defer cancel()
	out := make([]OrderView, len(mss))
	var wg sync.WaitGroup
	for i, ms := range mss {
		wg.Go(func() {
			// Stock comes in batches: topping up before every single order
			// would delay it by a few calls to a possibly slowed inventory-svc.
			if ms.stockLeft.Add(-1) < 0 {
				ensureStock(ctx, ms, stockBatch)
				ms.stockLeft.Store(stockBatch - 1)
			}
			p := s.placeWith(ctx, ms)
			out[i] = ms.tracker.add(p)
		})
	}
	wg.Wait()
	var why []string
	for _, v := range out {
		if v.Status != "NOT PLACED" {
			writeJSON(w, http.StatusCreated, map[string]any{"orders": out})
			return
		}
		why = append(why, fmt.Sprintf("%s: %s", v.Mode, v.Error))
	}
	failed(w, "No order placed", errors.New(strings.Join(why, "; ")))
}

// placeTimeout bounds placing one order from the page, stock top-up included.
const placeTimeout = 30 * time.Second

// placeWith places the stack's next order of load.Mix, timed as load.Run
// times it.
func (s *Server) placeWith(ctx context.Context, ms *modeState) load.Placed {
	var got load.Placed
	_, _ = load.Run(ctx, load.Config{Orders: ms.orders, Rate: 1, Count: 1,
		Request: func(int) api.PlaceRequest { return load.Mix(ms.nextSeq()) },
		Placed:  func(p load.Placed) { got = p }})
	return got
}

// stockBatch is how many single orders one top-up of stock serves.
const stockBatch = 200

// ensureStock tops up the SKUs n orders of load.Mix need. A stopped
// inventory-svc must not stop the order from being placed — seeing what
// then happens is the point — so an error is only skipped.
func ensureStock(ctx context.Context, ms *modeState, n int) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, _ = stockup.Ensure(ctx, ms.target.Inventory, "dashboard-"+string(ms.mode), stockup.Plan{AtLeast: stockup.Need(n, load.Mix)})
}

// LoadProgress is a "load" event: how far a rate run on one stack is.
type LoadProgress struct {
	Mode    string `json:"mode"`
	Placed  int    `json:"placed"`
	Total   int    `json:"total"`
	Running bool   `json:"running"`
	Slipped int    `json:"slipped,omitempty"`
	Error   string `json:"error,omitempty"`
}

// startLoad places orders at a steady rate for a duration on each chosen
// stack (the flowctl load engine) and answers at once; rows and progress
// arrive on the stream.
func (s *Server) startLoad(w http.ResponseWriter, r *http.Request) {
	var req placeRequest
	if !readJSON(w, r, &req) {
		return
	}
	switch {
	case req.Rate <= 0 || req.Rate > limits.MaxRate:
		invalid(w, "rate", fmt.Sprintf("rate %g: use more than 0 and at most %g orders per second", req.Rate, limits.MaxRate))
		return
	case req.DurationS < limits.MinDurationS || req.DurationS > limits.MaxDurationS:
		invalid(w, "duration_s", fmt.Sprintf("duration %gs: use %g to %g seconds", req.DurationS, limits.MinDurationS, limits.MaxDurationS))
		return
	}
	n := int(req.Rate*req.DurationS + 0.5)
	if n > limits.MaxLoadOrders {
		invalid(w, "rate", fmt.Sprintf("rate %g × %gs is %d orders: at most %d per run here (flowctl load and bench go further)", req.Rate, req.DurationS, n, limits.MaxLoadOrders))
		return
	}
	mss, ok := s.targets(w, req.Mode)
	if !ok {
		return
	}
	if busy, ok := claimLoad(mss); !ok {
		conflict(w, "A load is running", fmt.Sprintf("the %s stack is still under a load from here: wait for it to end", busy.mode))
		return
	}
	release, ok := s.holdStacks(w, r, loadModes(mss), fmt.Sprintf("load --mode %s --rate %g --duration %gs", req.Mode, req.Rate, req.DurationS))
	if !ok {
		for _, ms := range mss {
			ms.loading.Store(false)
		}
		return
	}
	var wg sync.WaitGroup
	for _, ms := range mss {
		wg.Go(func() { s.runLoad(ms, req.Rate, n) })
	}
	go func() { wg.Wait(); release() }()
	writeJSON(w, http.StatusAccepted, map[string]any{"modes": req.Mode, "orders_per_stack": n, "rate": req.Rate, "duration_s": req.DurationS})
}

func loadModes(mss []*modeState) []stackmode.Mode {
	modes := make([]stackmode.Mode, len(mss))
	for i, ms := range mss {
		modes[i] = ms.mode
	}
	return modes
}

// claimLoad marks every stack of mss as loading, or none: two requests at
// once must not both start a load on one stack, so each claim is a
// compare-and-swap, and the stacks claimed before a busy one are let go.
func claimLoad(mss []*modeState) (busy *modeState, ok bool) {
	for i, ms := range mss {
		if !ms.loading.CompareAndSwap(false, true) {
			for _, claimed := range mss[:i] {
				claimed.loading.Store(false)
			}
			return ms, false
		}
	}
	return nil, true
}

func (s *Server) runLoad(ms *modeState, rate float64, n int) {
	defer ms.loading.Store(false)
	ctx := s.baseContext()
	ensureStock(ctx, ms, n)
	placed := 0
	s.hub.publish("load", LoadProgress{Mode: string(ms.mode), Total: n, Running: true})
	res, err := load.Run(ctx, load.Config{Orders: ms.orders, Rate: rate, Count: n,
		Request: func(int) api.PlaceRequest { return load.Mix(ms.nextSeq()) },
		Placed: func(p load.Placed) {
			ms.tracker.add(p)
			placed++
			if placed%max(n/20, 1) == 0 {
				s.hub.publish("load", LoadProgress{Mode: string(ms.mode), Placed: placed, Total: n, Running: true})
			}
		}})
	done := LoadProgress{Mode: string(ms.mode), Placed: placed, Total: n, Slipped: res.Slipped}
	if err != nil {
		done.Error = err.Error()
	}
	s.hub.publish("load", done)
}
