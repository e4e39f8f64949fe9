package stack

import "testing"

func TestParseRuntime(t *testing.T) {
	const native, docker RuntimeKind = "native", "docker"
	for in, want := range map[string]RuntimeKind{"": RuntimeAuto, "auto": RuntimeAuto, "docker": docker, "native": native, " native ": native} {
		if got, err := ParseRuntime(in, docker, native); err != nil || got != want {
			t.Errorf("ParseRuntime(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseRuntime("podman", docker, native); err == nil || err.Error() != `runtime "podman": use docker, native or auto` {
		t.Errorf(`ParseRuntime("podman") = %v`, err)
	}
}
