package resources

import (
	"errors"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	json "github.com/go-json-experiment/json/v1"
)

// TestUnmarshalJSONInOnePass: every kind of record decodes in one pass (a
// type that one pass refuses, a conflict among its JSON names say, would
// be decoded twice every time, silently), and what fails is reported as
// json.Unmarshal reports it, with the record left as it leaves it.
func TestUnmarshalJSONInOnePass(t *testing.T) {
	for _, k := range Kinds {
		r, err := NewRecord(k)
		if err != nil {
			t.Fatal(err)
		}
		if err := jsonv2.Unmarshal([]byte(`{"id":"x"}`), r, onePass); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}

	bad := []byte(`{"id":"s1","name":5,"description":"kept"}`)
	var got, want Service
	err, wantErr := UnmarshalJSON(bad, &got), json.Unmarshal(bad, &want)
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) || err.Error() != wantErr.Error() {
		t.Errorf("error %v (%T), want json.Unmarshal's %v", err, err, wantErr)
	}
	if got.ID != want.ID || got.Description != want.Description || got.Name != want.Name {
		t.Errorf("left %+v, want %+v", got, want)
	}

	// What is no place to decode into is an error, as json.Unmarshal's,
	// never a panic.
	var nilService *Service
	for _, v := range []any{nil, nilService, Service{}} {
		err, wantErr := UnmarshalJSON([]byte(`{"id":"s1"}`), v), json.Unmarshal([]byte(`{"id":"s1"}`), v)
		if err == nil || err.Error() != wantErr.Error() {
			t.Errorf("into %#v: %v, want json.Unmarshal's %v", v, err, wantErr)
		}
	}
}
