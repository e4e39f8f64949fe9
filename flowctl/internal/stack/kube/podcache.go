package kube

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
)

// podCache keeps one namespace's pods current through a watch (a client-go
// informer): the balancer picks a pod from memory, with no API call per
// request, and stops picking one as soon as the API says it is not ready
// or is being deleted.
type podCache struct {
	inf    cache.SharedIndexInformer
	cancel context.CancelFunc
}

// newPodCache starts watching ns's pods until close.
func newPodCache(client Client, ns string) *podCache {
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return client.CoreV1().Pods(ns).List(ctx, o)
		},
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			return client.CoreV1().Pods(ns).Watch(ctx, o)
		},
	}
	ctx, cancel := context.WithCancel(context.Background())
	// The wrapper tells the informer whether client streams its first list
	// (WatchList); a fake clientset does not, and would never sync.
	inf := cache.NewSharedIndexInformer(cache.ToListWatcherWithWatchListSemantics(lw, client), &corev1.Pod{}, 0, cache.Indexers{})
	c := &podCache{inf: inf, cancel: cancel}
	go c.inf.RunWithContext(ctx)
	return c
}

// pods are the pods sel matches, once the first list arrived (waiting
// for it no longer than syncWait).
func (c *podCache) pods(ctx context.Context, sel labels.Selector) ([]corev1.Pod, error) {
	ctx, cancel := context.WithTimeoutCause(ctx, syncWait, fmt.Errorf("no list of pods from the API after %s", syncWait))
	defer cancel()
	if !cache.WaitForCacheSync(ctx.Done(), c.inf.HasSynced) {
		return nil, fmt.Errorf("watching pods: %w", context.Cause(ctx))
	}
	var out []corev1.Pod
	for _, o := range c.inf.GetStore().List() {
		if p := o.(*corev1.Pod); sel.Matches(labels.Set(p.Labels)) {
			out = append(out, *p)
		}
	}
	return out, nil
}

func (c *podCache) close() { c.cancel() }

// syncWait bounds a request's wait for the first list of pods.
const syncWait = 30 * time.Second
