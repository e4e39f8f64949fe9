package kube

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// restartedAt is the pod template annotation `kubectl rollout restart`
// sets: changing it replaces every pod, as a restart elsewhere does.
const restartedAt = "kubectl.kubernetes.io/restartedAt"

// SetEnv sets vars in svc's container (entries in the Deployment's env win
// over the stack's ConfigMap), drops the ones an earlier SetEnv set, and
// waits for the rollout. When it fails the previous entries come back.
func (r *Runtime) SetEnv(ctx context.Context, m stackmode.Mode, svc string, vars map[string]string) error {
	if err := stack.CheckEnv(svc, vars); err != nil {
		return err
	}
	var before []corev1.EnvVar
	var beforeNote string
	err := r.updateDeployment(ctx, m, svc, func(d *appsv1.Deployment) {
		c := serviceContainer(d)
		before, beforeNote = slices.Clone(c.Env), d.Annotations[envAnnotation]
		set := map[string]string{}
		for k, v := range vars {
			if v != "" {
				set[k] = v
			}
		}
		c.Env = withEnv(c.Env, strings.Split(beforeNote, ","), set)
		note(&d.ObjectMeta, envAnnotation, strings.Join(slices.Sorted(maps.Keys(set)), ","))
		restart(d)
	})
	if err != nil {
		return fmt.Errorf("set %s on %s: %w", stack.EnvList(vars), svc, err)
	}
	if err = r.waitDeployment(ctx, m, svc); err == nil {
		return nil
	}
	_ = r.updateDeployment(context.WithoutCancel(ctx), m, svc, func(d *appsv1.Deployment) {
		serviceContainer(d).Env = before
		note(&d.ObjectMeta, envAnnotation, beforeNote)
	})
	return fmt.Errorf("set %s on %s: %w", stack.EnvList(vars), svc, err)
}

// setVar sets one variable the runtime manages (TRACE_PROPAGATION,
// FRAUD_CHECK) in each of svcs' containers, then waits for all rollouts.
func (r *Runtime) setVar(ctx context.Context, m stackmode.Mode, svcs []string, name, value string) error {
	for _, svc := range svcs {
		err := r.updateDeployment(ctx, m, svc, func(d *appsv1.Deployment) {
			c := serviceContainer(d)
			c.Env = withEnv(c.Env, nil, map[string]string{name: value})
		})
		if err != nil {
			return fmt.Errorf("set %s=%s on %s: %w", name, value, svc, err)
		}
	}
	for _, svc := range svcs {
		if err := r.waitDeployment(ctx, m, svc); err != nil {
			return fmt.Errorf("set %s=%s on %s: %w", name, value, svc, err)
		}
	}
	return nil
}

// withEnv is env without the entries named in drop or in set, then set's
// entries in name order.
func withEnv(env []corev1.EnvVar, drop []string, set map[string]string) []corev1.EnvVar {
	out := slices.DeleteFunc(slices.Clone(env), func(e corev1.EnvVar) bool {
		_, ok := set[e.Name]
		return ok || slices.Contains(drop, e.Name)
	})
	for _, k := range slices.Sorted(maps.Keys(set)) {
		out = append(out, corev1.EnvVar{Name: k, Value: set[k]})
	}
	return out
}

// serviceContainer is d's service container (base/pod-defaults.yaml names
// it), else its first.
func serviceContainer(d *appsv1.Deployment) *corev1.Container {
	cs := d.Spec.Template.Spec.Containers
	for i := range cs {
		if cs[i].Name == container {
			return &cs[i]
		}
	}
	return &cs[0]
}

// note sets (or, empty, removes) an annotation.
func note(meta *metav1.ObjectMeta, key, value string) {
	if value == "" {
		delete(meta.Annotations, key)
		return
	}
	if meta.Annotations == nil {
		meta.Annotations = map[string]string{}
	}
	meta.Annotations[key] = value
}

// restart makes the Deployment replace its pods, as `kubectl rollout
// restart` does.
func restart(d *appsv1.Deployment) {
	note(&d.Spec.Template.ObjectMeta, restartedAt, time.Now().UTC().Format(time.RFC3339Nano))
}

// effectiveEnv is the value d's service container gets for name: its env
// entry, else the last of its envFrom ConfigMaps that has it; set is false
// when none does. A value from a Secret or the downward API reads as set
// with a placeholder: flowctl does not read Secrets.
func (r *Runtime) effectiveEnv(ctx context.Context, d *appsv1.Deployment, name string) (string, bool, error) {
	c := serviceContainer(d)
	for _, e := range c.Env {
		if e.Name == name && e.ValueFrom != nil {
			return "(from " + d.Name + "'s valueFrom)", true, nil
		}
		if e.Name == name {
			return e.Value, true, nil
		}
	}
	for i := len(c.EnvFrom) - 1; i >= 0; i-- {
		ref := c.EnvFrom[i].ConfigMapRef
		if ref == nil {
			continue
		}
		cm, err := r.client.CoreV1().ConfigMaps(d.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return "", false, fmt.Errorf("ConfigMap %s/%s: %w", d.Namespace, ref.Name, err)
		}
		if v, ok := cm.Data[c.EnvFrom[i].Prefix+name]; ok {
			return v, true, nil
		}
	}
	return "", false, nil
}
