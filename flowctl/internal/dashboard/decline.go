package dashboard

import (
	"fmt"
	"net/http"

	"github.com/orderflow/platform/topology"
)

// declineRequest is the body of PUT /api/stacks/{mode}/faults/{service}/decline-rate.
type declineRequest struct {
	DeclineRate float64 `json:"decline_rate"`
}

// setDeclineRate sets the share of charges invoicing-svc's payment provider
// declines (the saga's lesson: those orders end FAILED, their stock
// released) and keeps the service's other faults as they are.
func (s *Server) setDeclineRate(w http.ResponseWriter, r *http.Request) {
	ms, ok := s.mode(w, r.PathValue("mode"))
	if !ok {
		return
	}
	svc, ok := service(w, r.PathValue("service"))
	if !ok {
		return
	}
	var req declineRequest
	if !readJSON(w, r, &req) || !declineRateFits(w, svc, req.DeclineRate) {
		return
	}
	if svc != topology.InvoicingSvc {
		invalid(w, "service", fmt.Sprintf("%s charges no one: the decline rate is invoicing-svc's (/api/stacks/%s/faults/invoicing/decline-rate)", svc, ms.mode))
		return
	}
	admin := ms.target.Admin[svc]
	f, err := admin.GetFaults(r.Context())
	if err != nil {
		adminFailed(w, "The service did not answer", err)
		return
	}
	f.DeclineRate = req.DeclineRate
	got, err := admin.SetFaults(r.Context(), f)
	if err != nil {
		adminFailed(w, "The service did not take the faults", err)
		return
	}
	s.reobserve(ms)
	writeJSON(w, http.StatusOK, map[string]any{"mode": ms.mode, "service": svc, "faults": got})
}

// declineRateFits answers a problem unless rate is a share (0–1) and, when
// above 0, set on invoicing-svc, the only service that charges.
func declineRateFits(w http.ResponseWriter, svc string, rate float64) bool {
	switch {
	case !(rate >= 0 && rate <= 1):
		invalid(w, "decline_rate", fmt.Sprintf("decline rate %g: use a share from 0 to 1", rate))
		return false
	case rate > 0 && svc != topology.InvoicingSvc:
		invalid(w, "decline_rate", fmt.Sprintf("%s charges no one: set the decline rate on invoicing-svc", svc))
		return false
	}
	return true
}
