package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

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
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return resources.Errorf(resources.EINVALID, "the body is not valid JSON at byte %d: %v", syn.Offset, err)
		case errors.As(err, &typ):
			return &resources.Error{Code: resources.EINVALID, Message: "the body has a value of the wrong type",
				Fields: map[string]string{typ.Field: fmt.Sprintf("must be a %s, not a JSON %s", typ.Type, typ.Value)}}
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return &resources.Error{Code: resources.EINVALID, Message: "the body has a field that is not in the API",
				Fields: map[string]string{field: "is not a field of this request"}}
		case errors.Is(err, io.EOF):
			return resources.Errorf(resources.EINVALID, "the body is empty; send a JSON object")
		}
		return resources.Errorf(resources.EINVALID, "the body is not valid JSON: %v", err)
	}
	if dec.More() {
		return resources.Errorf(resources.EINVALID, "the body has data after its JSON object")
	}
	return nil
}
