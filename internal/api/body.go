package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"quire"
)

// maxRequestBody bounds the JSON body of a write. The longest comment
// (quire.MaxCommentBytes) fits twice over even with every character
// escaped by a client's encoder.
const maxRequestBody = 64 << 10

// decodeBody decodes the request's JSON body, one object, into v. Unknown
// fields are refused, so that a misspelt one is not silently ignored.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	body := http.MaxBytesReader(w, r.Body, maxRequestBody)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("trailing data")
	}
	if err == nil {
		// Anything after the object, even white space past the limit,
		// must still fit.
		_, err = io.Copy(io.Discard, body)
	}
	var tooLarge *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &tooLarge):
		return &apiError{status: http.StatusRequestEntityTooLarge, err: err,
			msg: fmt.Sprintf("The request body is larger than %d bytes.", maxRequestBody)}
	case errors.Is(err, io.EOF):
		return quire.Invalidf("The request needs a JSON object as its body.")
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return quire.Invalidf("The field %q has the wrong type: %s expected.", typeErr.Field, jsonType(typeErr.Type.Kind().String()))
	case errors.As(err, &typeErr):
		return quire.Invalidf("The request body must be a JSON object.")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return quire.Invalidf("The request body has an unknown field %s.", strings.TrimPrefix(err.Error(), "json: unknown field "))
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF), err.Error() == "trailing data":
		return quire.Invalidf("The request body is not one valid JSON object.")
	}
	return err
}

// jsonType names a Go kind as JSON calls it.
func jsonType(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"), strings.HasPrefix(kind, "float"):
		return "a number"
	case kind == "string":
		return "a string"
	case kind == "bool":
		return "true or false"
	}
	return "another type"
}
