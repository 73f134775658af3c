package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/refer-project/refer/data"
	"github.com/refer-project/refer/matcher"
	"github.com/refer-project/refer/resources"
)

// matchRequest is the body of POST /api/v1/match, as the contract says.
type matchRequest struct {
	Client struct {
		Latitude      *float64 `json:"latitude"`
		Longitude     *float64 `json:"longitude"`
		Postcode      string   `json:"postcode"`
		Age           *float64 `json:"age"`
		Gender        string   `json:"gender"`
		Languages     []string `json:"languages"`
		HouseholdSize *int     `json:"household_size"`
		AnnualIncome  *float64 `json:"annual_income"`
		Veteran       *bool    `json:"veteran"`
		Insurance     string   `json:"insurance"`
		HasChildren   *bool    `json:"has_children"`
	} `json:"client"`
	Needs []struct {
		Code string `json:"code"`
		Text string `json:"text"`
	} `json:"needs"`
	Screening *struct {
		Instrument string                     `json:"instrument"`
		Answers    map[string]json.RawMessage `json:"answers"`
	} `json:"screening"`
	Preferences struct {
		MaxDistanceKm  *float64 `json:"max_distance_km"`
		OpenNow        bool     `json:"open_now"`
		FreeOnly       bool     `json:"free_only"`
		IncludeVirtual *bool    `json:"include_virtual"`
	} `json:"preferences"`
	At    string `json:"at"`
	Limit *int   `json:"limit"`
}

// maxNeeds bounds the needs of one request.
const maxNeeds = 20

// MatchRequest reads and checks a match request in the contract's JSON
// shape (the body of POST /api/v1/match) and turns it into the matcher's
// terms: the one reading, which the API and the match page share.
func MatchRequest(body []byte) (matcher.Request, error) {
	var in matchRequest
	if err := json.Unmarshal(body, &in); err != nil {
		return matcher.Request{}, resources.Errorf(resources.EINVALID, "the match request is not JSON: %v", err)
	}
	return toRequest(&in)
}

// toRequest checks a match request and turns it into the matcher's terms.
func toRequest(in *matchRequest) (matcher.Request, error) {
	f := resources.FieldErrors{}
	var req matcher.Request
	cl := in.Client
	switch {
	case cl.Latitude != nil || cl.Longitude != nil:
		if cl.Latitude == nil || cl.Longitude == nil {
			f.Add("client.latitude", "and client.longitude must be given together")
			break
		}
		if !(*cl.Latitude >= -90 && *cl.Latitude <= 90) {
			f.Add("client.latitude", "is %g; it must be between -90 and 90", *cl.Latitude)
		}
		if !(*cl.Longitude >= -180 && *cl.Longitude <= 180) {
			f.Add("client.longitude", "is %g; it must be between -180 and 180", *cl.Longitude)
		}
		req.Place = orb.Point{*cl.Longitude, *cl.Latitude}
	case cl.Postcode != "":
		lat, lon, ok := data.Centroid(cl.Postcode)
		if !ok {
			f.Add("client.postcode", "%q is not a US ZIP code we know", cl.Postcode)
		}
		req.Place = orb.Point{lon, lat}
	default:
		f.Add("client", "needs a location: latitude and longitude, or postcode")
	}
	if cl.Age != nil && !(*cl.Age >= 0 && *cl.Age <= 150) {
		f.Add("client.age", "is %g; it must be between 0 and 150", *cl.Age)
	}
	if cl.HouseholdSize != nil && (*cl.HouseholdSize < 1 || *cl.HouseholdSize > 50) {
		f.Add("client.household_size", "is %d; it must be between 1 and 50", *cl.HouseholdSize)
	}
	if cl.AnnualIncome != nil && !(*cl.AnnualIncome >= 0 && *cl.AnnualIncome < 1e9) {
		f.Add("client.annual_income", "is %g; it must be zero or more", *cl.AnnualIncome)
	}
	req.Client = matcher.Client{Age: cl.Age, Gender: cl.Gender, Veteran: cl.Veteran, Insurance: cl.Insurance,
		AnnualIncome: cl.AnnualIncome, HasChildren: cl.HasChildren, Languages: cl.Languages, Postcode: cl.Postcode}
	if cl.HouseholdSize != nil {
		req.Client.HouseholdSize = *cl.HouseholdSize
	}
	if len(in.Needs) == 0 && in.Screening == nil {
		f.Add("needs", "give at least one need, or a screening")
	}
	if len(in.Needs) > maxNeeds {
		f.Add("needs", "has %d needs; at most %d", len(in.Needs), maxNeeds)
	}
	for i, n := range in.Needs {
		if n.Code == "" && strings.TrimSpace(n.Text) == "" {
			f.Add(fmt.Sprintf("needs[%d]", i), "give a code or text")
		}
		if len(n.Text) > 1000 {
			f.Add(fmt.Sprintf("needs[%d].text", i), "is longer than 1,000 characters")
		}
		req.Needs = append(req.Needs, matcher.NeedInput{Code: n.Code, Text: n.Text})
	}
	if sc := in.Screening; sc != nil {
		answers := map[string][]string{}
		for item, raw := range sc.Answers {
			vals, err := answerValues(raw)
			if err != nil {
				f.Add("screening.answers."+item, "%v", err)
				continue
			}
			answers[item] = vals
		}
		req.Screening = &matcher.ScreeningInput{Instrument: sc.Instrument, Answers: answers}
	}
	p := in.Preferences
	if p.MaxDistanceKm != nil {
		if !(*p.MaxDistanceKm > 0 && *p.MaxDistanceKm <= maxRadiusKm) {
			f.Add("preferences.max_distance_km", "is %g; it must be more than 0 and at most %d", *p.MaxDistanceKm, maxRadiusKm)
		}
		req.MaxDistanceKm = *p.MaxDistanceKm
	}
	req.OpenNow, req.FreeOnly = p.OpenNow, p.FreeOnly
	req.IncludeVirtual = p.IncludeVirtual == nil || *p.IncludeVirtual
	if in.At != "" {
		at, err := time.Parse(time.RFC3339, in.At)
		if err != nil {
			f.Add("at", "is %q; use an RFC 3339 time such as 2026-11-27T15:00:00-05:00", in.At)
		}
		req.At = at
	}
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > matcher.MaxLimit {
			f.Add("limit", "is %d; it must be between 1 and %d", *in.Limit, matcher.MaxLimit)
		}
		req.Limit = *in.Limit
	}
	return req, f.Err("the match request")
}

// answerValues reads a screening answer: a string, a number, or a list.
func answerValues(raw json.RawMessage) ([]string, error) {
	var one any
	if err := json.Unmarshal(raw, &one); err != nil {
		return nil, err
	}
	switch v := one.(type) {
	case string:
		return []string{v}, nil
	case float64:
		return []string{strings.TrimSuffix(fmt.Sprintf("%g", v), ".0")}, nil
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			s, ok := x.(string)
			if !ok {
				return nil, fmt.Errorf("a list of answers must hold answer codes (strings)")
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, fmt.Errorf("must be an answer code, a number, or a list of answer codes")
}

func (s *Server) match(c echo.Context) error {
	var in matchRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	req, err := toRequest(&in)
	if err != nil {
		return err
	}
	req.Explain = c.QueryParam("explain") == "true"
	res, err := s.matcher.Match(c.Request().Context(), req)
	if err != nil {
		// A well-formed request that names what refer cannot use (an
		// unknown screening item or answer) is 422, as the contract says.
		return unprocessable(err)
	}
	if s.cfg.Unmet != nil && len(res.UnmetNeeds) > 0 {
		postcode := in.Client.Postcode
		if postcode == "" {
			postcode = data.NearestZIP(req.Place.Lat(), req.Place.Lon(), 20)
		}
		s.cfg.Unmet.Add(res.UnmetNeeds, postcode)
	}
	return c.JSON(http.StatusOK, res)
}
