package stack

// Jaeger's endpoints on loopback (deploy/jaeger/config.yaml), the same in
// every runtime.
const (
	JaegerUI       = "http://127.0.0.1:16686"
	JaegerOTLP     = "http://127.0.0.1:4318"
	JaegerHealth   = "http://127.0.0.1:13133/status"
	JaegerServices = JaegerUI + "/api/v3/services"
)
