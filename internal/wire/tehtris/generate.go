// Package tehtris is the generated wire layer of the TEHTRIS XDR API: the
// parameters of each operation of openapi/tehtris.yaml and the builder of
// its request line (New<Operation>Request), which the tehtris package
// sends through internal/rest.
package tehtris

//go:generate go tool oapi-codegen -config ../../../openapi/wire/tehtris.yaml ../../../openapi/tehtris.yaml
//go:generate go tool oapi-codegen -config ../../../openapi/wire/tehtris.runtime.yaml ../../../openapi/tehtris.yaml
