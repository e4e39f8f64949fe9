package docker

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestComposeEnvReadsImagesFileButExportsWin(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, ".run"), 0o755); err != nil {
		t.Fatal(err)
	}
	file := "# written by make images-offline\nexport KAFKA_IMAGE=orderflow/kafka:4.1.1\nJAEGER_IMAGE=\"orderflow/jaeger:1.76.0\"\nnot a line\n"
	if err := os.WriteFile(filepath.Join(root, ".run", "images.env"), []byte(file), 0o644); err != nil {
		t.Fatal(err)
	}
	env, err := composeEnv(root, []string{"PATH=/usr/bin", "JAEGER_IMAGE=mirror.local/jaeger:2", "KAFKA_IMAGE="})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(env, "KAFKA_IMAGE=orderflow/kafka:4.1.1") {
		t.Errorf("KAFKA_IMAGE from images.env missing")
	}
	for _, kv := range env {
		if kv == "JAEGER_IMAGE=orderflow/jaeger:1.76.0" {
			t.Errorf("images.env overrode an explicit JAEGER_IMAGE export")
		}
	}
	// No file: the process environment only, no error.
	if env, err := composeEnv(t.TempDir(), []string{"PATH=/usr/bin"}); err != nil || !slices.Equal(env, []string{"PATH=/usr/bin"}) {
		t.Fatalf("no images.env: %v, %v", env, err)
	}
}
