// Package api is refer's HTTP face: the Echo server, its routes, and the
// one error handler that turns domain error codes into HTTP statuses.
// Handlers are thin: bind, validate, one call, respond.
package api
