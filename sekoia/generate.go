package sekoia

//go:generate go tool oapi-codegen -config ../openapi/sekoia.codegen.yaml ../openapi/sekoia.yaml
