package api

import (
	_ "embed"
	"net/http"
)

// openAPIDoc is the OpenAPI 3.1 description of every endpoint. It is written
// by hand, next to the handlers it describes; openapi_test.go checks it
// against them: every route is described and every description routed,
// every parameter accepted, and real responses match its schemas.
//
//go:embed openapi.json
var openAPIDoc []byte

// openAPI serves GET /api/openapi.json.
func (h *Handler) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	// Documentation tools in the browser fetch it from other origins.
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(http.StatusOK)
	w.Write(openAPIDoc)
	return nil
}
