package kube

import (
	"context"
	"errors"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// deployment is mode's Deployment name; missing, the error says how to
// deploy the stack.
func (r *Runtime) deployment(ctx context.Context, m stackmode.Mode, name string) (*appsv1.Deployment, error) {
	d, err := r.client.AppsV1().Deployments(r.ns(m)).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, r.missing(ctx, m, "Deployment", name)
	}
	if err != nil {
		return nil, fmt.Errorf("get Deployment %s/%s: %w", r.ns(m), name, err)
	}
	return d, nil
}

// statefulSet is mode's StatefulSet name, as deployment is.
func (r *Runtime) statefulSet(ctx context.Context, m stackmode.Mode, name string) (*appsv1.StatefulSet, error) {
	s, err := r.client.AppsV1().StatefulSets(r.ns(m)).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, r.missing(ctx, m, "StatefulSet", name)
	}
	if err != nil {
		return nil, fmt.Errorf("get StatefulSet %s/%s: %w", r.ns(m), name, err)
	}
	return s, nil
}

// missing says what is not there: the whole stack (no namespace) or one
// object of it.
func (r *Runtime) missing(ctx context.Context, m stackmode.Mode, kind, name string) error {
	ns := r.ns(m)
	if _, err := r.client.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{}); apierrors.IsNotFound(err) {
		return &NotDeployedError{Mode: m, What: "namespace " + ns}
	}
	return &NotDeployedError{Mode: m, What: kind + " " + ns + "/" + name}
}

// NotDeployedError says a stack, or a part of it, is not on the cluster.
type NotDeployedError struct {
	Mode stackmode.Mode
	What string
}

func (e *NotDeployedError) Error() string {
	return fmt.Sprintf("the %s stack is not on the cluster (no %s): %s", e.Mode, e.What, applyHint(e.Mode))
}

// notDeployed says err is a NotDeployedError.
func notDeployed(err error) bool {
	var nd *NotDeployedError
	return errors.As(err, &nd)
}

// updateDeployment applies change to mode's Deployment name, again on a
// conflict (someone else changed it in between).
func (r *Runtime) updateDeployment(ctx context.Context, m stackmode.Mode, name string, change func(*appsv1.Deployment)) error {
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		d, err := r.deployment(ctx, m, name)
		if err != nil {
			return err
		}
		change(d)
		if _, err := r.client.AppsV1().Deployments(d.Namespace).Update(ctx, d, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("update Deployment %s/%s: %w", d.Namespace, name, err)
		}
		return nil
	})
}

// updateStatefulSet is updateDeployment for a StatefulSet.
func (r *Runtime) updateStatefulSet(ctx context.Context, m stackmode.Mode, name string, change func(*appsv1.StatefulSet)) error {
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		s, err := r.statefulSet(ctx, m, name)
		if err != nil {
			return err
		}
		change(s)
		if _, err := r.client.AppsV1().StatefulSets(s.Namespace).Update(ctx, s, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("update StatefulSet %s/%s: %w", s.Namespace, name, err)
		}
		return nil
	})
}

// replicas is a spec's replica count (unset means 1, as the API defaults it).
func replicas(p *int32) int {
	if p == nil {
		return 1
	}
	return int(*p)
}

// int32p is n as a spec's replica count.
func int32p(n int) *int32 {
	v := int32(n)
	return &v
}
