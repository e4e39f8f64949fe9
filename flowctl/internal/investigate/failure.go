package investigate

import (
	"strconv"
	"strings"

	"github.com/orderflow/flowctl/internal/api"
)

// pathFailure is the span where the order's path ended in failure: none
// for a CONFIRMED order, whatever erred on the way (its errors stay on
// their spans, none is "the" failure).
func pathFailure(spans []api.Span, status string) *api.Span {
	if status == "CONFIRMED" {
		return nil
	}
	return failure(spans)
}

// failure picks the span that explains a failure. First the span that
// decided a rejection: in events mode, inventory-svc's producer span of
// StockRejected (the consumers downstream only pass it on). Else the first
// span with error status, followed down its children to the deepest one that
// failed too: in sync mode order-svc's client span ends in error, but the
// answer came from inventory-svc's server span.
// An attempt a later attempt of the same step made good (Retries) is no
// failure: the order's path went on.
func failure(spans []api.Span) *api.Span {
	for i, s := range spans {
		if strings.HasSuffix(s.Attrs[AttrEventType], "Rejected") || explicitReason(s) != "" {
			return &spans[i]
		}
	}
	away := retriedAway(spans)
	for i, s := range spans {
		if s.Error && !away[s.Ref()] {
			return deepestFailure(&spans[i], spans)
		}
	}
	return nil
}

func deepestFailure(s *api.Span, spans []api.Span) *api.Span {
	for i, c := range spans {
		if c.TraceID == s.TraceID && c.ParentID == s.SpanID && (c.Error || httpStatus(c) >= 400) {
			return deepestFailure(&spans[i], spans)
		}
	}
	return s
}

func httpStatus(s api.Span) int {
	n, _ := strconv.Atoi(s.Attrs["http.response.status_code"])
	return n
}

func explicitReason(s api.Span) string {
	for _, k := range reasonAttrs {
		if v := s.Attrs[k]; v != "" {
			return v
		}
	}
	return ""
}

// spanReason is what the span itself says about its failure.
func spanReason(s api.Span) string {
	if r := explicitReason(s); r != "" {
		return r
	}
	for _, e := range s.Events {
		if m := e.Attrs["exception.message"]; e.Name == "exception" && m != "" {
			if s.StatusMessage != "" && s.StatusMessage != m {
				return s.StatusMessage + ": " + m
			}
			return m
		}
	}
	return s.StatusMessage
}

// failureText is one line: what happened, where, and why.
func failureText(f api.Span, in Input) string {
	verb := "failed"
	if in.Status == "REJECTED" || strings.HasSuffix(f.Attrs[AttrEventType], "Rejected") || httpStatus(f) == 409 {
		verb = "rejected"
	}
	why := CollapseRepeats(spanReason(f))
	if why == "" && (in.Status == "REJECTED" || in.Status == "FAILED") {
		why = in.Reason
	}
	if why == "" {
		switch {
		case httpStatus(f) != 0:
			why = f.Name + " answered HTTP " + strconv.Itoa(httpStatus(f))
		case f.Attrs[AttrEventType] != "":
			why = f.Name + ": " + f.Attrs[AttrEventType]
		default:
			why = f.Name + " ended in error"
		}
	}
	return verb + " in " + ShortService(f.Service) + ": " + why
}
