package browser

import (
	"net/url"
	"strings"
)

// Outside returns the URLs that left 127.0.0.1: every one whose host is not
// 127.0.0.1, except data: and blob: URLs, which the browser makes itself. A
// blob: URL carries its origin (blob:http://127.0.0.1:8090/…), and that origin
// must be 127.0.0.1 too. "localhost" counts as outside: the dashboard serves
// on 127.0.0.1 and its page has no reason to name another host.
func Outside(urls []string) []string {
	var out []string
	for _, raw := range urls {
		if !local(raw) {
			out = append(out, raw)
		}
	}
	return out
}

func local(raw string) bool {
	if strings.HasPrefix(raw, "data:") {
		return true
	}
	if rest, ok := strings.CutPrefix(raw, "blob:"); ok {
		raw = rest
	}
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	return (u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "ws" || u.Scheme == "wss") && u.Hostname() == "127.0.0.1"
}
