package stack

// Jaeger's endpoints on loopback (deploy/jaeger/config.yaml), the same in
// every runtime.
const (
	JaegerUI       = "http://127.0.0.1:16686"
	JaegerOTLP     = "http://127.0.0.1:4318"
	JaegerHealth   = "http://127.0.0.1:13133/status"
	JaegerServices = JaegerUI + "/api/v3/services"
)

// WithoutJaegerUI is implemented by a runtime whose Jaeger answers its API
// but shows no trace in a browser (the native one is built from source and
// its web UI is a placeholder page): a link to a trace then leads to the
// dashboard's own trace view instead.
type WithoutJaegerUI interface {
	JaegerHasNoUI() bool
}

// HasJaegerUI says whether r's Jaeger shows a trace at JaegerUI/trace/<id>.
func HasJaegerUI(r any) bool {
	n, ok := r.(WithoutJaegerUI)
	return !ok || !n.JaegerHasNoUI()
}
