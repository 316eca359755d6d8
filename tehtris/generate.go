package tehtris

//go:generate go tool oapi-codegen -config ../openapi/tehtris.codegen.yaml ../openapi/tehtris.yaml
