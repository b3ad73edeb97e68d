package middleware

import (
	"io"
	"net/http"
)

// ResponseWriter wraps an http.ResponseWriter and records the status code
// and the number of body bytes written. It implements http.Flusher and
// io.ReaderFrom (so file responses keep using sendfile), and Unwrap, so
// that http.ResponseController reaches the connection's own writer for
// deadlines and hijacking.
type ResponseWriter struct {
	http.ResponseWriter
	status  int
	written int64
}

// WrapWriter returns w itself when it already is a *ResponseWriter, so that
// several middlewares share one recorder, and wraps it otherwise.
func WrapWriter(w http.ResponseWriter) *ResponseWriter {
	if rw, ok := w.(*ResponseWriter); ok {
		return rw
	}
	return &ResponseWriter{ResponseWriter: w}
}

// Status returns the status code sent, or 200 when the handler has not
// written anything yet (which is what the server sends for it).
func (w *ResponseWriter) Status() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// WroteHeader reports whether the response header has been sent, after
// which the status can no longer change.
func (w *ResponseWriter) WroteHeader() bool { return w.status != 0 }

// BytesWritten returns the number of body bytes written.
func (w *ResponseWriter) BytesWritten() int64 { return w.written }

// WriteHeader records code and passes it on.
func (w *ResponseWriter) WriteHeader(code int) {
	// Informational responses (103 Early Hints) may precede the final one;
	// 101 Switching Protocols is final.
	if w.status == 0 && (code >= 200 || code == http.StatusSwitchingProtocols) {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write records an implicit 200 and the bytes written, and passes p on.
func (w *ResponseWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.written += int64(n)
	return n, err
}

// ReadFrom copies src to the underlying writer, which lets
// http.ServeContent use the connection's sendfile path through the wrapper.
func (w *ResponseWriter) ReadFrom(src io.Reader) (int64, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := io.Copy(w.ResponseWriter, src)
	w.written += n
	return n, err
}

// Flush sends buffered data to the client, when the underlying writer can.
func (w *ResponseWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	// The error is http.ErrNotSupported at worst; a Flusher cannot report it.
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap returns the wrapped writer, for http.ResponseController.
func (w *ResponseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
