package kube

import (
	"context"
	"errors"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// rolledOut is nil once d runs what its spec asks, as `kubectl rollout
// status` decides it (the controller saw the change; every replica is of
// the new template, ready, and no old one is left), else what is missing.
func rolledOut(d *appsv1.Deployment) error {
	n, s := replicas(d.Spec.Replicas), d.Status
	switch {
	case s.ObservedGeneration < d.Generation:
		return errors.New("the controller has not seen the change yet")
	case int(s.UpdatedReplicas) < n:
		return fmt.Errorf("%d of %d replicas updated", s.UpdatedReplicas, n)
	case int(s.Replicas) > n:
		return fmt.Errorf("%d old replicas still running", int(s.Replicas)-n)
	case int(s.ReadyReplicas) < n:
		return fmt.Errorf("%d of %d replicas ready", s.ReadyReplicas, n)
	}
	return nil
}

// setRolledOut is rolledOut for a StatefulSet.
func setRolledOut(s *appsv1.StatefulSet) error {
	n, st := replicas(s.Spec.Replicas), s.Status
	switch {
	case st.ObservedGeneration < s.Generation:
		return errors.New("the controller has not seen the change yet")
	case int(st.Replicas) != n:
		return fmt.Errorf("%d of %d replicas", st.Replicas, n)
	case int(st.ReadyReplicas) < n:
		return fmt.Errorf("%d of %d replicas ready", st.ReadyReplicas, n)
	}
	return nil
}

// waitDeployment returns once mode's Deployment name rolled out and no
// more pods than its replicas are left (the removed ones terminated).
func (r *Runtime) waitDeployment(ctx context.Context, m stackmode.Mode, name string) error {
	err := stack.WaitFor(ctx, r.cfg.Timeout, r.cfg.Poll, nil, func(ctx context.Context) error {
		d, err := r.deployment(ctx, m, name)
		if err != nil {
			return err
		}
		if err := rolledOut(d); err != nil {
			return err
		}
		return r.podsLeft(ctx, d.Namespace, d.Spec.Selector, replicas(d.Spec.Replicas))
	})
	if err != nil {
		return fmt.Errorf("Deployment %s/%s: %w", r.ns(m), name, err)
	}
	return nil
}

// waitStatefulSet is waitDeployment for a StatefulSet.
func (r *Runtime) waitStatefulSet(ctx context.Context, m stackmode.Mode, name string) error {
	err := stack.WaitFor(ctx, r.cfg.Timeout, r.cfg.Poll, nil, func(ctx context.Context) error {
		s, err := r.statefulSet(ctx, m, name)
		if err != nil {
			return err
		}
		if err := setRolledOut(s); err != nil {
			return err
		}
		return r.podsLeft(ctx, s.Namespace, s.Spec.Selector, replicas(s.Spec.Replicas))
	})
	if err != nil {
		return fmt.Errorf("StatefulSet %s/%s: %w", r.ns(m), name, err)
	}
	return nil
}

// podsLeft is nil when no more than n pods of sel exist in ns: a pod being
// deleted still counts until it is gone (drained, stopped).
func (r *Runtime) podsLeft(ctx context.Context, ns string, sel *metav1.LabelSelector, n int) error {
	pods, err := r.pods(ctx, ns, sel)
	if err != nil {
		return err
	}
	live := 0
	for _, p := range pods {
		if p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed {
			live++
		}
	}
	if live > n {
		return fmt.Errorf("%d pods left to stop", live-n)
	}
	return nil
}

// pods are the pods of sel in ns.
func (r *Runtime) pods(ctx context.Context, ns string, sel *metav1.LabelSelector) ([]corev1.Pod, error) {
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		return nil, fmt.Errorf("selector in %s: %w", ns, err)
	}
	list, err := r.client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: s.String()})
	if err != nil {
		return nil, fmt.Errorf("list pods %s in %s: %w", s, ns, err)
	}
	return list.Items, nil
}
