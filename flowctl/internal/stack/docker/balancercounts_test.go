package docker

import (
	"testing"

	"github.com/orderflow/flowctl/internal/stack"
)

// A trimmed /stats;csv after a scale-in: replica3 went away (its refused
// connection resent), and HAProxy answered one 503 itself.
const countsSample = `# pxname,svname,econ,eresp,wretr,wredis,status,hrsp_5xx,addr
api,FRONTEND,,,,,OPEN,1,
replicas,replica1,0,0,0,0,UP,0,172.18.0.5:8080
replicas,replica2,0,0,0,0,UP,2,172.18.0.6:8080
replicas,replica3,2,0,1,1,DOWN,0,172.18.0.7:8080
replicas,replica4,0,0,0,0,MAINT (resolution),0,
replicas,BACKEND,2,0,1,1,UP,3,
`

func TestBalancerCountsReadTheBackendRow(t *testing.T) {
	got, err := balancerCounts(countsSample)
	if err != nil {
		t.Fatal(err)
	}
	if want := (stack.BalancerCounts{Retried: 2, Refused: 2, Failed: 1}); got != want {
		t.Errorf("counts %+v, want %+v (2 resent, 2 refused, 3 5xx less the replicas' 2)", got, want)
	}
	if _, err := balancerCounts("# pxname,svname,wretr\nreplicas,replica1,0\n"); err == nil {
		t.Error("statistics without a BACKEND row were accepted")
	}
}
