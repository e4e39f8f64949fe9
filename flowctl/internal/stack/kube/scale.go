package kube

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Scale sets svc's Deployment to n replicas and waits until they are ready
// and the removed ones are gone (a pod leaves its Service's endpoints and
// the balancer's picks when it starts terminating, then drains).
func (r *Runtime) Scale(ctx context.Context, m stackmode.Mode, svc string, n int) error {
	if err := knownService(svc); err != nil {
		return err
	}
	if n < 1 {
		return fmt.Errorf("scale %s to %d: use 1 or more (`flowctl stop` stops a service)", svc, n)
	}
	d, err := r.deployment(ctx, m, svc)
	if err != nil {
		return err
	}
	if n > 1 {
		if err := r.onPostgres(ctx, d); err != nil {
			return fmt.Errorf("scale %s to %d: %w", svc, n, err)
		}
	}
	return r.scaleDeployment(ctx, m, svc, n)
}

// Replicas is how many replicas of svc are ready: what serves now.
func (r *Runtime) Replicas(ctx context.Context, m stackmode.Mode, svc string) (int, error) {
	d, err := r.deployment(ctx, m, svc)
	if err != nil {
		return 0, err
	}
	return int(d.Status.ReadyReplicas), nil
}

// onPostgres is nil when d's service keeps its state in PostgreSQL
// (DATABASE_URL, from components/postgres); SQLite is one writer per file.
func (r *Runtime) onPostgres(ctx context.Context, d *appsv1.Deployment) error {
	if v, set, err := r.effectiveEnv(ctx, d, "DATABASE_URL"); err != nil || set && v != "" {
		return err
	}
	return fmt.Errorf("%s/%s keeps its state in SQLite, one writer per volume: deploy an overlay on PostgreSQL (deploy/k8s/overlays/sync-postgres or events-your-kafka, or add components/postgres) to run more replicas",
		d.Namespace, d.Name)
}

// scaleDeployment sets name's replicas to n and waits for them.
func (r *Runtime) scaleDeployment(ctx context.Context, m stackmode.Mode, name string, n int) error {
	err := r.updateDeployment(ctx, m, name, func(d *appsv1.Deployment) { d.Spec.Replicas = int32p(n) })
	if err == nil {
		err = r.waitDeployment(ctx, m, name)
	}
	if err != nil {
		return fmt.Errorf("scale %s to %d: %w", name, n, err)
	}
	return nil
}

// StopService scales svc's Deployment to 0, keeping its replicas in an
// annotation for StartService, and waits until its pods are gone.
func (r *Runtime) StopService(ctx context.Context, m stackmode.Mode, svc string) error {
	if err := knownService(svc); err != nil {
		return err
	}
	err := r.updateDeployment(ctx, m, svc, func(d *appsv1.Deployment) {
		stopMeta(&d.ObjectMeta, d.Spec.Replicas)
		d.Spec.Replicas = int32p(0)
	})
	if err == nil {
		err = r.waitDeployment(ctx, m, svc)
	}
	if err != nil {
		return fmt.Errorf("stop %s: %w", svc, err)
	}
	return nil
}

// StartService scales svc's Deployment back to what it ran before
// StopService (1 when unknown) and waits until the replicas are ready.
func (r *Runtime) StartService(ctx context.Context, m stackmode.Mode, svc string) error {
	if err := knownService(svc); err != nil {
		return err
	}
	err := r.updateDeployment(ctx, m, svc, func(d *appsv1.Deployment) {
		d.Spec.Replicas = startMeta(&d.ObjectMeta, d.Spec.Replicas)
	})
	if err == nil {
		err = r.waitDeployment(ctx, m, svc)
	}
	if err != nil {
		return fmt.Errorf("start %s: %w", svc, err)
	}
	return nil
}

// stopMeta remembers a running workload's replicas (a second stop keeps
// the first one's count).
func stopMeta(meta *metav1.ObjectMeta, n *int32) {
	if replicas(n) == 0 {
		return
	}
	if meta.Annotations == nil {
		meta.Annotations = map[string]string{}
	}
	meta.Annotations[replicasAnnotation] = strconv.Itoa(replicas(n))
}

// startMeta is the replicas to start with: a running count stays, a
// stopped one comes back as remembered, else 1; the note is dropped.
func startMeta(meta *metav1.ObjectMeta, n *int32) *int32 {
	if replicas(n) > 0 {
		return n
	}
	back := 1
	if v, err := strconv.Atoi(meta.Annotations[replicasAnnotation]); err == nil && v > 0 {
		back = v
	}
	delete(meta.Annotations, replicasAnnotation)
	return int32p(back)
}

// knownService refuses a name that is none of the stack's services.
func knownService(svc string) error {
	if slices.Contains(stack.AllServices(), svc) {
		return nil
	}
	return fmt.Errorf("service %q: use one of %s", svc, strings.Join(stack.AllServices(), ", "))
}

// StopBroker scales the Kafka StatefulSet of every events stack on the
// cluster to 0 and waits until its pods are gone; false when none ran. A
// stack on your own Kafka (no StatefulSet) is not flowctl's to stop.
func (r *Runtime) StopBroker(ctx context.Context) (bool, error) {
	return r.eachBroker(ctx, func(m stackmode.Mode, s *appsv1.StatefulSet) (bool, error) {
		if replicas(s.Spec.Replicas) == 0 {
			return false, nil
		}
		err := r.updateStatefulSet(ctx, m, brokerSet, func(s *appsv1.StatefulSet) {
			stopMeta(&s.ObjectMeta, s.Spec.Replicas)
			s.Spec.Replicas = int32p(0)
		})
		if err == nil {
			err = r.waitStatefulSet(ctx, m, brokerSet)
		}
		return err == nil, err
	})
}

// StartBroker scales the Kafka StatefulSets back and waits until every
// broker is ready.
func (r *Runtime) StartBroker(ctx context.Context) error {
	_, err := r.eachBroker(ctx, func(m stackmode.Mode, _ *appsv1.StatefulSet) (bool, error) {
		err := r.updateStatefulSet(ctx, m, brokerSet, func(s *appsv1.StatefulSet) {
			s.Spec.Replicas = startMeta(&s.ObjectMeta, s.Spec.Replicas)
		})
		if err == nil {
			err = r.waitStatefulSet(ctx, m, brokerSet)
		}
		return true, err
	})
	return err
}

// eachBroker calls do for the Kafka StatefulSet of each events stack that
// has one; ErrNotOurs when none has.
func (r *Runtime) eachBroker(ctx context.Context, do func(stackmode.Mode, *appsv1.StatefulSet) (bool, error)) (bool, error) {
	found, did := false, false
	for _, sn := range r.namespaces(true) {
		m := sn.mode
		s, err := r.statefulSet(ctx, m, brokerSet)
		if notDeployed(err) {
			continue
		}
		if err != nil {
			return did, err
		}
		found = true
		ok, err := do(m, s)
		did = did || ok
		if err != nil {
			return did, fmt.Errorf("broker of the %s stack: %w", m, err)
		}
	}
	if !found {
		return false, fmt.Errorf("no Kafka StatefulSet %q in %s: the stacks' broker is one flowctl did not deploy: %w",
			brokerSet, strings.Join(r.brokerNamespaces(), ", "), stack.ErrNotOurs)
	}
	return did, nil
}

// brokerNamespaces are the namespaces of the stacks that use a broker.
func (r *Runtime) brokerNamespaces() []string {
	var out []string
	for _, sn := range r.namespaces(true) {
		out = append(out, sn.ns)
	}
	return out
}
