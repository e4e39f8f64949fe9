package kube

import "github.com/orderflow/flowctl/internal/stack"

// The runtime contract, replicas (issue 22) included.
var _ stack.Runtime = (*Runtime)(nil)
