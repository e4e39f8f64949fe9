// Package client is generated from docs/openapi.yaml by oapi-codegen: order-svc's typed clients of inventory-svc and invoicing-svc.
// Do not edit api.gen.go; change the spec and run "go generate ./...".
package client

//go:generate go tool oapi-codegen -config oapi-codegen.yaml -o api.gen.go ../../../../docs/openapi.yaml
