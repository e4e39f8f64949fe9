package api

import (
	"context"
	"encoding/hex"
	"math/rand/v2"
	"net/http"
)

// notSampled asks the service not to record the request: a W3C traceparent
// with the sampled flag off (the services' sampler is ParentBased and
// platform/httpserver obeys it in every propagation mode). flowctl's reads of
// an order are not steps of the order: traced, every poll of a PENDING order
// landed in its trace view, hundreds of them.
func notSampled(_ context.Context, req *http.Request) error {
	req.Header.Set("traceparent", unsampledTraceparent())
	return nil
}

// unsampledTraceparent is "00-<trace id>-<span id>-00" with fresh random ids
// (all-zero ids are invalid, hence the |1).
func unsampledTraceparent() string {
	var traceID [16]byte
	var spanID [8]byte
	fill(traceID[:])
	fill(spanID[:])
	traceID[15] |= 1
	spanID[7] |= 1
	return "00-" + hex.EncodeToString(traceID[:]) + "-" + hex.EncodeToString(spanID[:]) + "-00"
}

func fill(b []byte) {
	for i := range b {
		b[i] = byte(rand.Uint32())
	}
}
