package dashboard

import (
	"encoding/json"
	"net/http"
	"testing"
)

// The page hides Kafka's figures in the presenter view of a stack that has
// no Kafka: the state says which stacks talk through it.
func TestStateSaysWhichStacksUseKafka(t *testing.T) {
	_, hs, _ := newTestServer(t, testToken)
	status, _, body := call(t, http.MethodGet, hs.URL+"/api/state", nil)
	var st State
	if err := json.Unmarshal(body, &st); status != http.StatusOK || err != nil {
		t.Fatalf("GET /api/state = %d %v: %s", status, err, body)
	}
	got := map[string]bool{}
	for _, o := range st.Stacks {
		got[o.Mode] = o.Kafka
	}
	if want := map[string]bool{"sync": false, "events": true}; len(got) != 2 || got["sync"] != want["sync"] || got["events"] != want["events"] {
		t.Errorf("kafka by stack %v, want %v", got, want)
	}
}
