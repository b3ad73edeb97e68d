package hfdaily

import (
	"encoding/json"
	"errors"
	"reflect"
	"unicode/utf8"

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
	case reflect.Struct, reflect.Map, reflect.Pointer:
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

// clip shortens s to about 40 bytes, on a rune boundary, before it is
// echoed in an error message.
func clip(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
