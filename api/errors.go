package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/refer-project/refer/resources"
)

// errorBody is the contract's error shape.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// StatusOf is the HTTP status of a domain error code (500 for one it does
// not know): the one table, which the API and the pages share.
func StatusOf(code string) int {
	if s, ok := statusOf[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// statusOf maps domain error codes to HTTP statuses.
var statusOf = map[string]int{
	resources.EINVALID:      http.StatusBadRequest,
	resources.ENOTFOUND:     http.StatusNotFound,
	resources.ECONFLICT:     http.StatusConflict,
	resources.EUNAUTHORIZED: http.StatusUnauthorized,
	resources.EFORBIDDEN:    http.StatusForbidden,
	resources.EINTERNAL:     http.StatusInternalServerError,
	resources.EUNAVAILABLE:  http.StatusServiceUnavailable,
	resources.EFULL:         http.StatusInsufficientStorage,
}

// codeOf maps statuses that Echo itself produces back to contract codes.
var codeOf = map[int]string{
	http.StatusBadRequest:                  resources.EINVALID,
	http.StatusNotFound:                    resources.ENOTFOUND,
	http.StatusMethodNotAllowed:            "method_not_allowed",
	http.StatusUnauthorized:                resources.EUNAUTHORIZED,
	http.StatusForbidden:                   resources.EFORBIDDEN,
	http.StatusRequestEntityTooLarge:       "too_large",
	http.StatusRequestHeaderFieldsTooLarge: "too_large",
	http.StatusTooManyRequests:             "rate_limited",
	http.StatusUnsupportedMediaType:        resources.EINVALID,
}

// statusError gives a domain error a status other than its code's usual
// one (a 422 for a well-formed request that names unknown codes).
type statusError struct {
	status int
	err    error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

// unprocessable makes an invalid-input error a 422 (a well-formed body
// that asks what the rules refuse); any other error is returned as it is.
func unprocessable(err error) error {
	if resources.ErrorCode(err) != resources.EINVALID {
		return err
	}
	return &statusError{status: http.StatusUnprocessableEntity, err: err}
}

// handleError writes every error in the contract's shape. Only 5xx are
// logged, and their body says "internal error" and nothing more.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if s.forPeople(c) {
		if err := s.cfg.Pages.ErrorPage(c, err); err != nil {
			s.log.Error("writing error page", "err", err)
		}
		return
	}
	status, body := http.StatusInternalServerError, errorDetail{Code: resources.EINTERNAL, Message: "internal error"}
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		status = he.Code
		if code, ok := codeOf[status]; ok {
			body = errorDetail{Code: code, Message: http.StatusText(status)}
			if m, ok := he.Message.(string); ok && status < 500 {
				body.Message = m
			}
		}
	case resources.ErrorCode(err) != resources.EINTERNAL:
		code := resources.ErrorCode(err)
		status = statusOf[code]
		var se *statusError
		if errors.As(err, &se) {
			status = se.status
		}
		body = errorDetail{Code: code, Message: resources.ErrorMessage(err), Fields: resources.ErrorFields(err)}
	}
	if status == http.StatusInsufficientStorage {
		// Said to the client as it is (nothing internal in it), and
		// logged: the operator must make room.
		s.log.Error("write refused: the store has no room", "method", c.Request().Method, "path", c.Path(), "request_id", c.Get(requestIDKey), "err", err)
	} else if status >= 500 && status != http.StatusServiceUnavailable {
		s.log.Error("request failed", "method", c.Request().Method, "path", c.Path(), "request_id", c.Get(requestIDKey), "err", err)
		body = errorDetail{Code: resources.EINTERNAL, Message: "internal error"}
	}
	if c.Request().Method == http.MethodHead {
		err = c.NoContent(status)
	} else {
		err = c.JSON(status, errorBody{body})
	}
	if err != nil {
		s.log.Error("writing error response", "err", err)
	}
}

// forPeople reports whether an error should be a page: the pages are
// served, the path is not the API's, and the client reads HTML.
func (s *Server) forPeople(c echo.Context) bool {
	path := c.Request().URL.Path
	return s.cfg.Pages != nil && !strings.HasPrefix(path, "/api/") && path != "/healthz" && path != "/readyz" &&
		strings.Contains(c.Request().Header.Get(echo.HeaderAccept), "text/html")
}
