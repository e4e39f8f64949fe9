package docker

import "testing"

// A trimmed /stats;csv of a backend with two replicas up, one going down
// and the template's unused slots in maintenance.
const statsSample = `# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight
api,FRONTEND,,,0,1,262115,5,0,0,0,0,0,,,,,OPEN,
replicas,replica1,0,0,0,1,,3,0,0,,0,,0,0,0,0,UP,1
replicas,replica2,0,0,0,1,,2,0,0,,0,,0,0,0,0,UP,1
replicas,replica3,0,0,0,0,,0,0,0,,0,,0,0,0,0,DOWN,1
replicas,replica4,0,0,0,0,,0,0,0,,0,,0,0,0,0,MAINT (resolution),1
replicas,BACKEND,0,0,0,1,26212,5,0,0,0,0,,0,0,0,0,UP,2
`

func TestUpReplicasCountsOnlyServersUp(t *testing.T) {
	n, err := upReplicas(statsSample)
	if err != nil || n != 2 {
		t.Fatalf("upReplicas = %d, %v; want 2 (replica1, replica2)", n, err)
	}
	if _, err := upReplicas("pxname,svname\nreplicas,replica1\n"); err == nil {
		t.Fatal("statistics without a status column were accepted")
	}
}
