package api

import (
	"context"
	"io"
	"net/http"
	"strings"
	"time"
)

// Healthy says whether the service at base answers its liveness probe
// (GET /healthz, 200) within two seconds: a probe that hangs is a "no".
func Healthy(ctx context.Context, base string) bool {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(base, "/")+"/healthz", nil)
	if err != nil {
		return false
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	return res.StatusCode == http.StatusOK
}
