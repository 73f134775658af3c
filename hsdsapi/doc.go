// Package hsdsapi is refer's face for directory systems: Open Referral's
// HSDS 3.0 read API, served at /api/hsds. It reads the store and the
// search index and answers in HSDS's own shapes (Pages of full records).
// The server that hosts it (package api) gives it what every face shares:
// keys and closed reads, rate limits, body and time limits, and the one
// error handler that turns domain errors into the contract's error shape;
// query parameters are read with internal/query, as the contract API's
// are. It imports neither api nor web, and they reach it only through
// New, Routes and OpenAPI.
package hsdsapi
