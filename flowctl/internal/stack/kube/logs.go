package kube

import (
	"context"
	"fmt"
	"io"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Logs prints the last lines of every container of every orderflow pod in
// the stacks' namespaces; false when there is none.
func (r *Runtime) Logs(ctx context.Context, w io.Writer, lines int) (bool, error) {
	any := false
	for _, s := range r.namespaces(false) {
		sel := &metav1.LabelSelector{MatchLabels: map[string]string{"app.kubernetes.io/part-of": "orderflow"}}
		pods, err := r.pods(ctx, s.ns, sel)
		if err != nil {
			return any, err
		}
		for _, p := range pods {
			for _, c := range p.Spec.Containers {
				any = true
				if err := r.podLog(ctx, w, &p, c.Name, lines); err != nil {
					return any, err
				}
			}
		}
	}
	return any, nil
}

// podLog prints the end of one container's log under a header line.
func (r *Runtime) podLog(ctx context.Context, w io.Writer, p *corev1.Pod, c string, lines int) error {
	n := int64(lines)
	fmt.Fprintf(w, "==> %s/%s (%s) <==\n", p.Namespace, p.Name, c)
	rc, err := r.client.CoreV1().Pods(p.Namespace).GetLogs(p.Name, &corev1.PodLogOptions{Container: c, TailLines: &n}).Stream(ctx)
	if err != nil {
		fmt.Fprintf(w, "(no log: %v)\n", err)
		return nil
	}
	defer rc.Close()
	if _, err := io.Copy(w, rc); err != nil {
		return fmt.Errorf("log of %s/%s: %w", p.Namespace, p.Name, err)
	}
	fmt.Fprintln(w)
	return nil
}
