package arxiv

import (
	"encoding/json"
	"errors"
	"reflect"

	"quire"
)

// jsonError turns a decoding error into a user-facing message about what,
// without Go type names and without echoing the input.
func jsonError(what string, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return quire.Invalidf("%s is not valid JSON (error at byte %d)", what, se.Offset)
	case errors.As(err, &te) && te.Field != "":
		return quire.Invalidf("%s: field %q should be %s, not %s", what, te.Field, kindName(te.Type), te.Value)
	case errors.As(err, &te):
		return quire.Invalidf("%s should be a JSON object, not %s", what, te.Value)
	}
	return quire.Invalidf("%s is not valid JSON", what)
}

func kindName(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Int, reflect.Int64:
		return "a whole number"
	case reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "a boolean"
	}
	return "another type"
}
