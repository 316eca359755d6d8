// Package sekoia is the generated wire layer of the Sekoia.io API: the
// parameters of each operation of openapi/sekoia.yaml and the builder of
// its request line (New<Operation>Request), which the sekoia package sends
// through internal/rest.
package sekoia

//go:generate go tool oapi-codegen -config ../../../openapi/wire/sekoia.yaml ../../../openapi/sekoia.yaml
//go:generate go tool oapi-codegen -config ../../../openapi/wire/sekoia.runtime.yaml ../../../openapi/sekoia.yaml
