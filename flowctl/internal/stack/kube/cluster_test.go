package kube

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/kubernetes/scheme"
	k8stesting "k8s.io/client-go/testing"
)

// cluster is a fake API (client-go's fake clientset) holding what an
// overlay renders, plus the little of the control plane the runtime waits
// on: the API server's generation bump and status rule, and a controller
// that makes pods and status follow each workload's spec, one step per
// pass (a removed pod is first terminating, deleted on the next pass).
// A test holds a workload to keep its controller still.
type cluster struct {
	t      *testing.T
	client *fake.Clientset

	mu          sync.Mutex // the reactors' and the controller's
	held        map[string]bool
	heldDeletes map[string]bool
	seq         int

	getsMu sync.Mutex
	gets   map[string]int // by Deployment name: the runtime's polls
}

var (
	deploymentsGVR  = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}
	statefulSetsGVR = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "statefulsets"}
	podsGVR         = schema.GroupVersionResource{Version: "v1", Resource: "pods"}
)

// newCluster loads testdata/<fixture>.yaml, runs the controller until the
// stack is up and keeps it running until the test ends.
func newCluster(t *testing.T, fixture string) *cluster {
	t.Helper()
	c := &cluster{t: t, client: fake.NewClientset(load(t, fixture)...), held: map[string]bool{}, heldDeletes: map[string]bool{}}
	c.gets = map[string]int{}
	c.client.PrependReactor("get", "deployments", func(a k8stesting.Action) (bool, runtime.Object, error) {
		c.getsMu.Lock()
		c.gets[a.(k8stesting.GetAction).GetName()]++
		c.getsMu.Unlock()
		return false, nil, nil
	})
	c.client.PrependReactor("update", "deployments", c.apiServerRule(deploymentsGVR))
	c.client.PrependReactor("update", "statefulsets", c.apiServerRule(statefulSetsGVR))
	c.settle()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			c.pass()
			c.client.ClearActions()
			time.Sleep(2 * time.Millisecond)
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	return c
}

// load decodes every object of a rendered overlay.
func load(t *testing.T, fixture string) []runtime.Object {
	t.Helper()
	b, err := os.ReadFile("testdata/" + fixture + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	var objs []runtime.Object
	dec := yaml.NewYAMLOrJSONDecoder(bytes.NewReader(b), 4096)
	for {
		var raw runtime.RawExtension
		if err := dec.Decode(&raw); errors.Is(err, io.EOF) {
			return objs
		} else if err != nil {
			t.Fatalf("%s: %v", fixture, err)
		}
		if len(bytes.TrimSpace(raw.Raw)) == 0 {
			continue
		}
		obj, _, err := scheme.Codecs.UniversalDeserializer().Decode(raw.Raw, nil, nil)
		if err != nil {
			t.Fatalf("%s: %v", fixture, err)
		}
		objs = append(objs, obj)
	}
}

// apiServerRule is what the API server does on an update: the main
// resource keeps its status and bumps its generation when the spec
// changed; /status changes the status only.
func (c *cluster) apiServerRule(gvr schema.GroupVersionResource) k8stesting.ReactionFunc {
	return func(a k8stesting.Action) (bool, runtime.Object, error) {
		c.mu.Lock()
		defer c.mu.Unlock()
		u := a.(k8stesting.UpdateAction)
		obj := u.GetObject().(metav1.Object)
		old, err := c.client.Tracker().Get(gvr, u.GetNamespace(), obj.GetName())
		if err != nil {
			return true, nil, err
		}
		merged := merge(old, u.GetObject(), u.GetSubresource() == "status")
		return true, merged, c.client.Tracker().Update(gvr, merged, u.GetNamespace())
	}
}

// merge is old with upd's status (status) or upd with old's status and
// the next generation when the spec differs.
func merge(old, upd runtime.Object, status bool) runtime.Object {
	switch o := old.DeepCopyObject().(type) {
	case *appsv1.Deployment:
		n := upd.(*appsv1.Deployment).DeepCopy()
		if status {
			o.Status = n.Status
			return o
		}
		n.Status, n.Generation = o.Status, o.Generation
		if !equality.Semantic.DeepEqual(o.Spec, n.Spec) {
			n.Generation++
		}
		return n
	case *appsv1.StatefulSet:
		n := upd.(*appsv1.StatefulSet).DeepCopy()
		if status {
			o.Status = n.Status
			return o
		}
		n.Status, n.Generation = o.Status, o.Generation
		if !equality.Semantic.DeepEqual(o.Spec, n.Spec) {
			n.Generation++
		}
		return n
	}
	panic(fmt.Sprintf("merge %T", old))
}

// hold stops the controller for workload name (release: it goes on);
// holdDeletes keeps its terminating pods from going away.
func (c *cluster) hold(name string, on bool) { c.mu.Lock(); c.held[name] = on; c.mu.Unlock() }
func (c *cluster) holdDeletes(name string, on bool) {
	c.mu.Lock()
	c.heldDeletes[name] = on
	c.mu.Unlock()
}

// settle runs passes until nothing changes.
func (c *cluster) settle() {
	for range 5 {
		c.pass()
	}
}

// pass is one step of the controller for every workload.
func (c *cluster) pass() {
	ctx := context.Background()
	ds, _ := c.client.AppsV1().Deployments("").List(ctx, metav1.ListOptions{})
	for _, d := range ds.Items {
		if !c.isHeld(d.Name) {
			ready, total := c.pods(d.Namespace, d.Name, d.Spec.Selector, d.Spec.Template, replicas(d.Spec.Replicas))
			d.Status = appsv1.DeploymentStatus{ObservedGeneration: d.Generation, Replicas: int32(total),
				UpdatedReplicas: int32(ready), ReadyReplicas: int32(ready), AvailableReplicas: int32(ready)}
			_, _ = c.client.AppsV1().Deployments(d.Namespace).UpdateStatus(ctx, &d, metav1.UpdateOptions{})
		}
	}
	ss, _ := c.client.AppsV1().StatefulSets("").List(ctx, metav1.ListOptions{})
	for _, s := range ss.Items {
		if !c.isHeld(s.Name) {
			ready, total := c.pods(s.Namespace, s.Name, s.Spec.Selector, s.Spec.Template, replicas(s.Spec.Replicas))
			s.Status = appsv1.StatefulSetStatus{ObservedGeneration: s.Generation, Replicas: int32(total),
				UpdatedReplicas: int32(ready), ReadyReplicas: int32(ready), AvailableReplicas: int32(ready)}
			_, _ = c.client.AppsV1().StatefulSets(s.Namespace).UpdateStatus(ctx, &s, metav1.UpdateOptions{})
		}
	}
}

func (c *cluster) isHeld(name string) bool { c.mu.Lock(); defer c.mu.Unlock(); return c.held[name] }

// pods makes the pods of one workload follow its spec: terminating pods go,
// pods of an old template or beyond n start terminating, missing ones are
// created ready. It returns the ready pods of the current template and all
// pods not terminating.
func (c *cluster) pods(ns, owner string, sel *metav1.LabelSelector, tmpl corev1.PodTemplateSpec, n int) (int, int) {
	ctx := context.Background()
	hash := templateHash(tmpl)
	list, _ := c.client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: metav1.FormatLabelSelector(sel)})
	var fresh []corev1.Pod
	for _, p := range list.Items {
		switch {
		case p.DeletionTimestamp != nil:
			c.mu.Lock()
			keep := c.heldDeletes[owner]
			c.mu.Unlock()
			if !keep {
				_ = c.client.Tracker().Delete(podsGVR, ns, p.Name)
			}
		case p.Annotations["template"] != hash || len(fresh) >= n:
			terminate(ctx, c.client, p)
		default:
			fresh = append(fresh, p)
		}
	}
	for len(fresh) < n {
		fresh = append(fresh, c.newPod(ctx, ns, owner, tmpl, hash))
	}
	return len(fresh), len(fresh)
}

// terminate marks a pod as being deleted: not ready, still there.
func terminate(ctx context.Context, client *fake.Clientset, p corev1.Pod) {
	now := metav1.Now()
	p.DeletionTimestamp = &now
	p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionFalse}}
	_, _ = client.CoreV1().Pods(p.Namespace).Update(ctx, &p, metav1.UpdateOptions{})
}

// newPod is a ready pod of tmpl.
func (c *cluster) newPod(ctx context.Context, ns, owner string, tmpl corev1.PodTemplateSpec, hash string) corev1.Pod {
	c.mu.Lock()
	c.seq++
	name := fmt.Sprintf("%s-%d", owner, c.seq)
	c.mu.Unlock()
	p := corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: tmpl.Labels, Annotations: map[string]string{"template": hash}},
		Spec:       tmpl.Spec,
		Status: corev1.PodStatus{Phase: corev1.PodRunning,
			Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}},
	}
	if _, err := c.client.CoreV1().Pods(ns).Create(ctx, &p, metav1.CreateOptions{}); err != nil {
		c.t.Errorf("create pod %s: %v", name, err)
	}
	return p
}

func templateHash(t corev1.PodTemplateSpec) string {
	b, _ := json.Marshal(t)
	h := fnv.New64a()
	_, _ = h.Write(b)
	return fmt.Sprintf("%x", h.Sum64())
}

// runtimeOn is a runtime on the fake cluster for namespace tmpl, pacing its
// waits fast; the timeout only keeps a broken wait from hanging the test.
func runtimeOn(c *cluster, ns string) *Runtime {
	return New(c.client, Config{Namespace: ns, Propagation: "child", Poll: time.Millisecond, Timeout: 20 * time.Second}, nil)
}

// stillPolling returns once the runtime has read Deployment name three
// more times without the call under test returning (done): it waits for
// the cluster, it did not return early. Returning first fails the test.
func (c *cluster) stillPolling(t *testing.T, name string, done <-chan error, while string) {
	t.Helper()
	count := func() int { c.getsMu.Lock(); defer c.getsMu.Unlock(); return c.gets[name] }
	start := count()
	until(t, func() bool {
		select {
		case err := <-done:
			t.Fatalf("returned (%v) while %s", err, while)
		default:
		}
		return count() >= start+3
	}, "the runtime to poll "+name)
}

// waitForTerminating returns once n pods of owner are being deleted.
func (c *cluster) waitForTerminating(t *testing.T, ns, owner string, n int) {
	t.Helper()
	until(t, func() bool {
		k := 0
		for _, p := range c.podsOf(t, ns, owner) {
			if p.DeletionTimestamp != nil {
				k++
			}
		}
		return k >= n
	}, fmt.Sprintf("%d pods of %s terminating", n, owner))
}

// until polls cond; the deadline only keeps a broken test from hanging.
func until(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never saw %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// podsOf are owner's pods (app.kubernetes.io/name), terminating included.
func (c *cluster) podsOf(t *testing.T, ns, owner string) []corev1.Pod {
	t.Helper()
	l, err := c.client.CoreV1().Pods(ns).List(context.Background(), metav1.ListOptions{LabelSelector: "app.kubernetes.io/name=" + owner})
	if err != nil {
		t.Fatal(err)
	}
	return l.Items
}

func (c *cluster) podCount(t *testing.T, ns, owner string) int {
	t.Helper()
	return len(c.podsOf(t, ns, owner))
}

func (c *cluster) deployment(t *testing.T, ns, name string) *appsv1.Deployment {
	t.Helper()
	d, err := c.client.AppsV1().Deployments(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}
