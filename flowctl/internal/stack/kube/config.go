package kube

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// restConfig reads files (a kubeconfig each, merged as kubectl does) with
// context ("": the current one).
func restConfig(files []string, context string) (*rest.Config, error) {
	if len(files) == 0 {
		return nil, fmt.Errorf("no kubeconfig: set KUBECONFIG (or HOME, for ~/.kube/config)")
	}
	if !slices.ContainsFunc(files, exists) {
		return nil, fmt.Errorf("no kubeconfig at %s: set KUBECONFIG to your cluster's", strings.Join(files, ":"))
	}
	rules := &clientcmd.ClientConfigLoadingRules{Precedence: files}
	over := &clientcmd.ConfigOverrides{CurrentContext: context}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, over).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("kubeconfig %s: %v (set KUBECONFIG, or FLOWCTL_KUBE_CONTEXT for a context)", strings.Join(files, ":"), firstLine(err))
	}
	return cfg, nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// answers is nil when the API server answers GET /version.
func answers(ctx context.Context, client Client, host string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := client.CoreV1().RESTClient().Get().AbsPath("/version").Do(ctx).Error(); err != nil {
		return fmt.Errorf("the cluster at %s does not answer: %v", host, firstLine(err))
	}
	return nil
}

// firstLine keeps an error to the one line a CLI message allows.
func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
