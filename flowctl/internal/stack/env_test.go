package stack

import "testing"

func TestCheckEnv(t *testing.T) {
	for _, c := range []struct {
		svc  string
		vars map[string]string
		ok   bool
	}{
		{"order-svc", map[string]string{"ORDER_PUBLISH": "direct"}, true},
		{"order-svc", map[string]string{"DB_PATH": "/tmp/x.db"}, false},
		{"order-svc", map[string]string{"NOT_A_VAR": "1"}, false},
		{"shipping-svc", map[string]string{"LOG_LEVEL": "debug"}, false},
	} {
		if err := CheckEnv(c.svc, c.vars); (err == nil) != c.ok {
			t.Errorf("CheckEnv(%s, %v) = %v, want ok %v", c.svc, c.vars, err, c.ok)
		}
	}
}
