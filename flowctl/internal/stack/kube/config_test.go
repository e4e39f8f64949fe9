package kube

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: a
  cluster: {server: "https://a.example:6443"}
- name: b
  cluster: {server: "https://b.example:6443"}
users:
- name: u
  user: {token: t}
contexts:
- name: ctx-a
  context: {cluster: a, user: u}
- name: ctx-b
  context: {cluster: b, user: u}
current-context: ctx-a
`

// The kubeconfig as kubectl reads it: the current context, or the one
// FLOWCTL_KUBE_CONTEXT names; a missing file or context is one line.
func TestRestConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, []byte(kubeconfig), 0o600); err != nil {
		t.Fatal(err)
	}
	for ctx, host := range map[string]string{"": "https://a.example:6443", "ctx-b": "https://b.example:6443"} {
		cfg, err := restConfig([]string{path}, ctx)
		if err != nil || cfg.Host != host {
			t.Errorf("context %q: %v, %v; want %s", ctx, cfg, err, host)
		}
	}
	for _, tt := range []struct {
		files []string
		ctx   string
		want  string
	}{
		{nil, "", "no kubeconfig: set KUBECONFIG"},
		{[]string{path}, "ctx-z", "FLOWCTL_KUBE_CONTEXT"},
		{[]string{filepath.Join(t.TempDir(), "none")}, "", "set KUBECONFIG"},
	} {
		_, err := restConfig(tt.files, tt.ctx)
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("restConfig(%v, %q) = %v; want one line with %q", tt.files, tt.ctx, err, tt.want)
		}
	}
}
