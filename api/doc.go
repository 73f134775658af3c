// Package api is refer's contract API for intake systems and case
// managers' tools (/api/v1), and the Echo server that hosts refer's three
// faces: this API, the HSDS read API (package hsdsapi, at /api/hsds) and
// the web pages (package web, through Config.Pages). The server gives all
// three the same middleware (keys, closed reads, rate limits, body and
// time limits) and the one error handler that turns domain error codes
// into HTTP statuses. Handlers are thin: bind, validate, one call, respond.
package api
