package kube

import (
	"fmt"

	appsv1client "k8s.io/client-go/kubernetes/typed/apps/v1"
	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/rest"
)

// Client is what the runtime asks of the API: the core and apps groups.
// client-go's whole clientset (kubernetes.Interface, which satisfies this,
// as its fake does in the tests) would link every API group's client into
// flowctl: 180 more packages.
type Client interface {
	CoreV1() corev1client.CoreV1Interface
	AppsV1() appsv1client.AppsV1Interface
}

// groups is a Client of the two groups only.
type groups struct {
	core corev1client.CoreV1Interface
	apps appsv1client.AppsV1Interface
}

func (g groups) CoreV1() corev1client.CoreV1Interface { return g.core }
func (g groups) AppsV1() appsv1client.AppsV1Interface { return g.apps }

// newClient is a Client for cfg's cluster.
func newClient(cfg *rest.Config) (Client, error) {
	core, err := corev1client.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("kubernetes client for %s: %w", cfg.Host, err)
	}
	apps, err := appsv1client.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("kubernetes client for %s: %w", cfg.Host, err)
	}
	return groups{core: core, apps: apps}, nil
}
