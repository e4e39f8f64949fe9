package dashboard

import (
	"context"
	"io"
	"net/http"
	"strings"
	"time"
)

// pageMark is what the dashboard's page says first: how Serving tells a
// dashboard from anything else listening on an address.
const pageMark = "<title>orderflow dashboard"

// Serving says whether a flowctl dashboard answers at addr (host:port):
// `make dashboard` after `make demo*` finds the demo's dashboard there.
// The page is not behind the --public key, so this works for both kinds.
func Serving(ctx context.Context, addr string) bool {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/", nil)
	if err != nil {
		return false
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	defer res.Body.Close()
	head, err := io.ReadAll(io.LimitReader(res.Body, 4096))
	return err == nil && res.StatusCode == http.StatusOK && strings.Contains(string(head), pageMark)
}
