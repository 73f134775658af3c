package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/refer-project/refer/resources"
)

// decodeJSON reads a JSON body strictly: unknown fields and trailing data
// are errors that name what is wrong.
func decodeJSON(c echo.Context, v any) error {
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return err
	}
	return decodeJSONBytes(c, body, v)
}

// jsonDepthKey holds the server's JSON depth limit in a request's context.
const jsonDepthKey = "refer.jsonDepth"

// decodeJSONBytes is decodeJSON of a body already read.
func decodeJSONBytes(c echo.Context, body []byte, v any) error {
	limit, _ := c.Get(jsonDepthKey).(int)
	if limit <= 0 {
		limit = DefaultJSONDepth
	}
	if d := jsonDepth(body); d > limit {
		return resources.Errorf(resources.EINVALID, "the body nests %d deep, more than the limit of %d (--max-json-depth)", d, limit)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		var tim *time.ParseError
		switch {
		case errors.As(err, &syn):
			return resources.Errorf(resources.EINVALID, "the body is not valid JSON at byte %d: %s", syn.Offset, strings.TrimPrefix(syn.Error(), "json: "))
		case errors.As(err, &typ):
			return &resources.Error{Code: resources.EINVALID, Message: "the body has a value of the wrong type",
				Fields: map[string]string{typ.Field: fmt.Sprintf("must be %s, not %s", kindWords(typ.Type), jsonWords(typ.Value))}}
		case errors.As(err, &tim):
			return resources.Errorf(resources.EINVALID, "the body has a date-time that is not readable (%q); write it as 2026-01-31T17:00:00Z", tim.Value)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return &resources.Error{Code: resources.EINVALID, Message: "the body has a field that is not in the API",
				Fields: map[string]string{field: "is not a field of this request"}}
		case errors.Is(err, io.EOF):
			return resources.Errorf(resources.EINVALID, "the body is empty; send a JSON object")
		}
		return resources.Errorf(resources.EINVALID, "the body is not valid JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if dec.More() {
		return resources.Errorf(resources.EINVALID, "the body has data after its JSON object")
	}
	return nil
}

// kindWords says what a value of Go type t is to someone writing JSON
// ("a number", not "float64").
func kindWords(t reflect.Type) string {
	if t == nil {
		return "another kind of value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == reflect.TypeFor[time.Time]():
		return "a date-time such as 2026-01-31T17:00:00Z"
	case t.Kind() == reflect.String:
		return "text"
	case t.Kind() == reflect.Bool:
		return "true or false"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return "a whole number"
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return "a number"
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		return "a list"
	}
	return "an object"
}

// jsonWords says what a JSON value of kind v ("string", "number", …, as
// json.UnmarshalTypeError names them) is.
func jsonWords(v string) string {
	switch {
	case v == "string":
		return "text"
	case v == "bool":
		return "true or false"
	case v == "array":
		return "a list"
	case v == "object":
		return "an object"
	case strings.HasPrefix(v, "number"):
		return "a number"
	}
	return v
}

// jsonDepth is how deep the objects and lists of a JSON text nest, read
// without decoding it (brackets inside strings do not count).
func jsonDepth(b []byte) int {
	depth, deepest, inString, escaped := 0, 0, false, false
	for _, c := range b {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			deepest = max(deepest, depth)
		case c == '}' || c == ']':
			depth--
		}
	}
	return deepest
}
