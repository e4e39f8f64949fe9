// Package client is generated from docs/openapi.yaml by oapi-codegen: flowctl's typed clients of the three services.
// Do not edit api.gen.go; change the spec and run "go generate ./...".
package client

//go:generate go tool oapi-codegen -config oapi-codegen.yaml -o api.gen.go ../../../../docs/openapi.yaml
