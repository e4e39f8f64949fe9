package docker

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"
)

// PullProbeTimeout bounds how long a pull may take to show that a registry
// answers. A registry that answers prints "Pulling from …" within a second or
// two; a network that drops packets would otherwise hang the pull for minutes.
const PullProbeTimeout = 5 * time.Second

// CLI is the Engine behind the docker command (it honours DOCKER_HOST
// and contexts, as compose does).
type CLI struct {
	PullTimeout time.Duration // 0: PullProbeTimeout
}

// Missing asks `docker image inspect` about every ref at once: the engine
// resolves names (docker.io/library/…, :latest) the way compose will.
func (d CLI) Missing(ctx context.Context, refs []string) ([]string, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "docker", append([]string{"image", "inspect", "--format", "{{.Id}}"}, refs...)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err == nil {
		return nil, nil
	}
	var missing []string
	for _, ref := range refs {
		if strings.Contains(stderr.String(), "No such image: "+ref) {
			missing = append(missing, ref)
		}
	}
	if len(missing) == 0 {
		return nil, fmt.Errorf("docker image inspect: %s", firstLine(stderr.Bytes(), err))
	}
	return missing, nil
}

// pullStarted are the lines docker pull prints once a registry has answered
// with the image's manifest.
var pullStarted = []string{"Pulling from", "Pulling fs layer", "Already exists", "Downloading", "Digest:", "Status:"}

// Pullable starts `docker pull ref` and stops it as soon as the registry has
// answered: the image itself is pulled later by compose, with its progress.
func (d CLI) Pullable(ctx context.Context, ref string) error {
	timeout := d.PullTimeout
	if timeout <= 0 {
		timeout = PullProbeTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "docker", "pull", ref)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { err := cmd.Wait(); pw.CloseWithError(err); done <- err }()
	var out strings.Builder
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		line := sc.Text()
		out.WriteString(line + "\n")
		for _, s := range pullStarted {
			if strings.Contains(line, s) {
				cancel()
				go io.Copy(io.Discard, pr) // let the killed pull finish writing
				<-done
				return nil
			}
		}
	}
	err := <-done
	if ctx.Err() != nil {
		return fmt.Errorf("no answer from a registry within %s", timeout)
	}
	if err == nil {
		return nil // pulled (a local registry mirror can be that fast)
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		return err
	}
	return errors.New(firstLine([]byte(out.String()), err))
}
