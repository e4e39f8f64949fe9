package dashboard

import (
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// ReportInfo is the newest compare report found.
type ReportInfo struct {
	URL  string    `json:"url"`
	Dir  string    `json:"dir"`
	Time time.Time `json:"time"`
}

// reportFile is the name comparereport gives the HTML report.
const reportFile = "report.html"

// latest finds the newest report.html one or two levels under the report
// dirs (<dir>/<run>/, or <run dir>/<out>/<run>/ as CI's compare writes).
func (s *Server) latest() *ReportInfo {
	var best *ReportInfo
	for _, dir := range s.cfg.Reports {
		matches, _ := filepath.Glob(filepath.Join(dir, "*", reportFile))
		deeper, _ := filepath.Glob(filepath.Join(dir, "*", "*", reportFile))
		for _, m := range append(matches, deeper...) {
			fi, err := os.Stat(m)
			if err != nil || fi.IsDir() {
				continue
			}
			if best == nil || fi.ModTime().After(best.Time) {
				best = &ReportInfo{URL: "/report/latest", Dir: filepath.Dir(m), Time: fi.ModTime().UTC()}
			}
		}
	}
	return best
}

// latestReport serves the newest compare report (self-contained HTML).
func (s *Server) latestReport(w http.ResponseWriter, r *http.Request) {
	ri := s.latest()
	if ri == nil {
		notFound(w, "No compare report", "no report.html under "+joinDirs(s.cfg.Reports)+": run `make demo` or `flowctl compare`")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.ServeFile(w, r, filepath.Join(ri.Dir, reportFile))
}

func joinDirs(dirs []string) string {
	if len(dirs) == 0 {
		return "(no report directory configured)"
	}
	out := dirs[0]
	for _, d := range dirs[1:] {
		out += ", " + d
	}
	return out
}
