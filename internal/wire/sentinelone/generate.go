// Package sentinelone is the generated wire layer of the SentinelOne
// Management API: the parameters of each operation of
// openapi/sentinelone.yaml and the builder of its request line
// (New<Operation>Request), which the sentinelone package sends through
// internal/rest.
package sentinelone

//go:generate go tool oapi-codegen -config ../../../openapi/wire/sentinelone.yaml ../../../openapi/sentinelone.yaml
//go:generate go tool oapi-codegen -config ../../../openapi/wire/sentinelone.runtime.yaml ../../../openapi/sentinelone.yaml
