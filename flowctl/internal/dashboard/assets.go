package dashboard

import (
	"embed"
	"io/fs"
	"net/http"
)

// The page: plain HTML, CSS and JavaScript written for it, served as they
// are. Nothing is built and nothing is fetched from elsewhere.
//
//go:embed assets/*.html assets/*.js assets/*.css
var assets embed.FS

func assetHandler() http.Handler {
	sub, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The page may talk to this server only: no CDN, no outside fetch.
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'")
		w.Header().Set("Cache-Control", "no-store")
		files.ServeHTTP(w, r)
	})
}
