package balancer

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// CheckHealth asks every backend's /readyz once, in parallel, and takes the
// ones that do not answer 200 out of rotation until they do again.
func (b *Balancer) CheckHealth(ctx context.Context, client *http.Client) {
	var wg sync.WaitGroup
	for _, be := range b.Backends() {
		wg.Go(func() { b.markHealth(be.Addr, ready(ctx, client, be.Addr)) })
	}
	wg.Wait()
}

func ready(ctx context.Context, client *http.Client, addr string) bool {
	ctx, cancel := context.WithTimeout(ctx, HealthTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/readyz", nil)
	if err != nil {
		return false
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// RunHealth checks every interval until ctx ends.
func (b *Balancer) RunHealth(ctx context.Context, every time.Duration) {
	client := &http.Client{}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			b.CheckHealth(ctx, client)
		}
	}
}
