// Package gen is generated from docs/openapi.yaml by oapi-codegen: fraud-svc's types and echo server interface.
// Do not edit api.gen.go; change the spec and run "go generate ./...".
package gen

//go:generate go tool oapi-codegen -config oapi-codegen.yaml -o api.gen.go ../../../../docs/openapi.yaml
