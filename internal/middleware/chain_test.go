package middleware

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestChainOrder(t *testing.T) {
	var calls []string
	mark := func(name string) func(http.Handler) http.Handler {
		return func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls = append(calls, name+" in")
				next.ServeHTTP(w, r)
				calls = append(calls, name+" out")
			})
		}
	}
	h := Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls = append(calls, "handler")
	}), mark("a"), mark("b"), mark("c"))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))

	want := []string{"a in", "b in", "c in", "handler", "c out", "b out", "a out"}
	if diff := cmp.Diff(want, calls); diff != "" {
		t.Errorf("Chain call order mismatch (-want +got):\n%s", diff)
	}
}

func TestChainNone(t *testing.T) {
	rec := httptest.NewRecorder()
	Chain(http.NotFoundHandler()).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("Chain with no middleware: status %d, want 404", rec.Code)
	}
}
