package matcher

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/refer-project/refer/data"
	"github.com/refer-project/refer/resources"
)

func mustVocabulary(tb testing.TB) *Vocabulary {
	tb.Helper()
	v, err := LoadVocabulary()
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// a is shorthand for one item's answers.
func a(codes ...string) []string { return codes }

// safety answers with the four items' values (1 Never … 5 Frequently).
func safety(values ...int) map[string][]string {
	codes := []string{"", "LA6270-8", "LA10066-1", "LA10082-8", "LA16644-9", "LA6482-9"}
	items := []string{"95618-5", "95617-7", "95616-9", "95615-1"}
	out := map[string][]string{}
	for i, x := range values {
		out[items[i]] = a(codes[x])
	}
	return out
}

func with(m map[string][]string, code string, answers ...string) map[string][]string {
	m[code] = answers
	return m
}

func TestScreen(t *testing.T) {
	v := mustVocabulary(t)
	tests := []struct {
		name       string
		instrument string
		answers    map[string][]string
		want       []string // need codes, vocabulary order
		items      map[string][]string
		notes      int
	}{
		// AHC core, published rules.
		{"nothing answered", "ahc-hrsn", nil, nil, nil, 0},
		{"housing steady", "ahc-hrsn", map[string][]string{"71802-3": a("LA31993-1")}, nil, nil, 0},
		{"housing worried", "ahc-hrsn", map[string][]string{"71802-3": a("LA31994-9")}, []string{"housing-instability"}, nil, 0},
		{"housing none", "ahc-hrsn", map[string][]string{"71802-3": a("LA31995-6")}, []string{"housing-instability", "homelessness"},
			map[string][]string{"homelessness": {"71802-3"}}, 0},
		{"housing quality none of the above", "ahc-hrsn", map[string][]string{"96778-6": a("LA9-3")}, nil, nil, 0},
		{"housing quality mold", "ahc-hrsn", map[string][]string{"96778-6": a("LA28580-1")}, []string{"inadequate-housing"}, nil, 0},
		{"housing quality multi", "ahc-hrsn", map[string][]string{"96778-6": a("LA31996-4", "LA31998-0", "LA32001-2")}, []string{"inadequate-housing"}, nil, 0},
		{"housing quality duplicate answers", "ahc-hrsn", map[string][]string{"96778-6": a("LA28580-1", " LA28580-1")}, []string{"inadequate-housing"}, nil, 0},
		{"food often item 1", "ahc-hrsn", map[string][]string{"88122-7": a("LA28397-0")}, []string{"food-insecurity"}, nil, 0},
		{"food sometimes item 2", "ahc-hrsn", map[string][]string{"88123-5": a("LA6729-3")}, []string{"food-insecurity"},
			map[string][]string{"food-insecurity": {"88123-5"}}, 0},
		{"food both", "ahc-hrsn", map[string][]string{"88122-7": a("LA6729-3"), "88123-5": a("LA28397-0")}, []string{"food-insecurity"},
			map[string][]string{"food-insecurity": {"88122-7", "88123-5"}}, 0},
		{"food never", "ahc-hrsn", map[string][]string{"88122-7": a("LA28398-8"), "88123-5": a("LA28398-8")}, nil, nil, 0},
		{"food lower-case code", "ahc-hrsn", map[string][]string{"88122-7": a("la28397-0")}, []string{"food-insecurity"}, nil, 0},
		{"transportation yes", "ahc-hrsn", map[string][]string{"93030-5": a("LA33-6")}, []string{"transportation-insecurity"}, nil, 0},
		{"transportation no", "ahc-hrsn", map[string][]string{"93030-5": a("LA32-8")}, nil, nil, 0},
		{"utilities threatened", "ahc-hrsn", map[string][]string{"96779-4": a("LA33-6")}, []string{"utility-insecurity"}, nil, 0},
		{"utilities already off", "ahc-hrsn", map[string][]string{"96779-4": a("LA32002-0")}, []string{"utility-insecurity"}, nil, 0},
		{"utilities no", "ahc-hrsn", map[string][]string{"96779-4": a("LA32-8")}, nil, nil, 0},

		// Safety: sum of four items over 10.
		{"safety all never (4)", "ahc-hrsn", safety(1, 1, 1, 1), nil, nil, 0},
		{"safety sum 10 is negative", "ahc-hrsn", safety(3, 3, 2, 2), nil, nil, 0},
		{"safety sum 11 is positive", "ahc-hrsn", safety(3, 3, 3, 2), []string{"intimate-partner-violence"},
			map[string][]string{"intimate-partner-violence": {"95618-5", "95617-7", "95616-9", "95615-1"}}, 0},
		{"safety all frequently (20)", "ahc-hrsn", safety(5, 5, 5, 5), []string{"intimate-partner-violence"}, nil, 0},
		{"safety total 10", "ahc-hrsn", map[string][]string{"95614-4": a("10")}, nil, nil, 0},
		{"safety total 11", "ahc-hrsn", map[string][]string{"95614-4": a("11")}, []string{"intimate-partner-violence"},
			map[string][]string{"intimate-partner-violence": {"95614-4"}}, 0},
		{"safety items win over a total that disagrees", "ahc-hrsn", with(safety(1, 1, 1, 1), "95614-4", "15"), nil, nil, 1},
		{"safety items win, positive", "ahc-hrsn", with(safety(5, 5, 1, 1), "95614-4", "4"), []string{"intimate-partner-violence"}, nil, 1},
		{"safety items and total agree", "ahc-hrsn", with(safety(5, 5, 1, 1), "95614-4", "12"), []string{"intimate-partner-violence"}, nil, 0},
		{"safety partial items already over 10", "ahc-hrsn", safety(5, 5, 5), []string{"intimate-partner-violence"}, nil, 0},
		{"safety partial items under: note", "ahc-hrsn", safety(2, 2), nil, nil, 1},
		{"safety partial items with total", "ahc-hrsn", with(safety(2, 2), "95614-4", "13"), []string{"intimate-partner-violence"},
			map[string][]string{"intimate-partner-violence": {"95614-4"}}, 0},
		{"safety partial items over a smaller total", "ahc-hrsn", with(safety(5, 5, 5), "95614-4", "9"), []string{"intimate-partner-violence"}, nil, 1},
		{"safety one item declined", "ahc-hrsn", with(safety(3, 3, 3), "95615-1", "LA30122-8"), nil, nil, 1},

		// AHC supplemental, local rules.
		{"financial very hard", "ahc-hrsn", map[string][]string{"76513-1": a("LA15832-1")}, []string{"financial-insecurity"}, nil, 0},
		{"financial somewhat hard", "ahc-hrsn", map[string][]string{"76513-1": a("LA22683-9")}, []string{"financial-insecurity"}, nil, 0},
		{"financial not hard", "ahc-hrsn", map[string][]string{"76513-1": a("LA31980-8")}, nil, nil, 0},
		{"employment finding", "ahc-hrsn", map[string][]string{"96780-2": a("LA31981-6")}, []string{"employment-status"}, nil, 0},
		{"employment keeping", "ahc-hrsn", map[string][]string{"96780-2": a("LA31982-4")}, []string{"employment-status"}, nil, 0},
		{"employment no help", "ahc-hrsn", map[string][]string{"96780-2": a("LA31983-2")}, nil, nil, 0},
		{"daily help lot more", "ahc-hrsn", map[string][]string{"96781-0": a("LA31979-0")}, []string{"social-connection"}, nil, 0},
		{"daily help little more", "ahc-hrsn", map[string][]string{"96781-0": a("LA31978-2")}, []string{"social-connection"}, nil, 0},
		{"daily help gets all", "ahc-hrsn", map[string][]string{"96781-0": a("LA31977-4")}, nil, nil, 0},
		{"lonely often", "ahc-hrsn", map[string][]string{"93159-2": a("LA10044-8")}, []string{"social-connection"}, nil, 0},
		{"lonely always", "ahc-hrsn", map[string][]string{"93159-2": a("LA9933-8")}, []string{"social-connection"}, nil, 0},
		{"lonely sometimes", "ahc-hrsn", map[string][]string{"93159-2": a("LA10082-8")}, nil, nil, 0},
		{"lonely and daily help: one need, two items", "ahc-hrsn", map[string][]string{"93159-2": a("LA9933-8"), "96781-0": a("LA31979-0")},
			[]string{"social-connection"}, map[string][]string{"social-connection": {"96781-0", "93159-2"}}, 0},
		{"other language at home", "ahc-hrsn", map[string][]string{"97027-7": a("LA33-6")}, []string{"language-access"}, nil, 0},
		{"English at home", "ahc-hrsn", map[string][]string{"97027-7": a("LA32-8")}, nil, nil, 0},
		{"school help yes", "ahc-hrsn", map[string][]string{"96782-8": a("LA33-6")}, []string{"educational-attainment"}, nil, 0},
		{"school help no", "ahc-hrsn", map[string][]string{"96782-8": a("LA32-8")}, nil, nil, 0},
		{"drinking weekly", "ahc-hrsn", map[string][]string{"68517-2": a("LA18891-4")}, []string{"substance-use"}, nil, 0},
		{"drinking monthly", "ahc-hrsn", map[string][]string{"68517-2": a("LA18876-5")}, nil, nil, 0},
		{"tobacco daily", "ahc-hrsn", map[string][]string{"96842-0": a("LA18934-2")}, []string{"substance-use"}, nil, 0},
		{"pills once or twice", "ahc-hrsn", map[string][]string{"95530-2": a("LA26460-8")}, nil, nil, 0},
		{"drugs daily and pills weekly", "ahc-hrsn", map[string][]string{"68524-8": a("LA18934-2"), "95530-2": a("LA18891-4")}, []string{"substance-use"},
			map[string][]string{"substance-use": {"95530-2", "68524-8"}}, 0},
		{"PHQ-2 sum 2", "ahc-hrsn", map[string][]string{"44250-9": a("LA6569-3"), "44255-8": a("LA6569-3")}, nil, nil, 0},
		{"PHQ-2 sum 3", "ahc-hrsn", map[string][]string{"44250-9": a("LA6570-1"), "44255-8": a("LA6569-3")}, []string{"mental-health"}, nil, 0},
		{"PHQ-2 one item of 3", "ahc-hrsn", map[string][]string{"44255-8": a("LA6571-9")}, []string{"mental-health"}, nil, 0},
		{"PHQ-2 one item of 2: note", "ahc-hrsn", map[string][]string{"44255-8": a("LA6570-1")}, nil, nil, 1},
		{"stress quite a bit", "ahc-hrsn", map[string][]string{"93038-8": a("LA13902-4")}, []string{"stress"}, nil, 0},
		{"stress very much", "ahc-hrsn", map[string][]string{"93038-8": a("LA13914-9")}, []string{"stress"}, nil, 0},
		{"stress somewhat", "ahc-hrsn", map[string][]string{"93038-8": a("LA13909-9")}, nil, nil, 0},
		{"disability concentrating", "ahc-hrsn", map[string][]string{"69858-9": a("LA33-6")}, []string{"disability-support"}, nil, 0},
		{"disability errands", "ahc-hrsn", map[string][]string{"69861-3": a("LA33-6"), "69858-9": a("LA32-8")}, []string{"disability-support"},
			map[string][]string{"disability-support": {"69861-3"}}, 0},
		{"exercise and T-score: accepted, no rule", "ahc-hrsn", map[string][]string{"89555-7": a("LA6111-4"), "68516-4": a("LA6111-4"),
			"77594-0": a("0"), "71969-0": a("31.5")}, nil, nil, 0},

		// Declines are accepted and never positive.
		{"decline food", "ahc-hrsn", map[string][]string{"88122-7": a("LA30122-8")}, nil, nil, 0},
		{"decline housing quality", "ahc-hrsn", map[string][]string{"96778-6": a("LA30122-8")}, nil, nil, 0},
		{"decline all safety", "ahc-hrsn", map[string][]string{"95618-5": a("LA30122-8"), "95617-7": a("LA30122-8")}, nil, nil, 0},
		{"empty answers are unanswered", "ahc-hrsn", map[string][]string{"88122-7": {}, "88123-5": {" "}}, nil, nil, 0},

		// A whole AHC screening, needs in vocabulary order.
		{"full AHC", "ahc-hrsn", map[string][]string{
			"71802-3": a("LA31995-6"), "96778-6": a("LA9-3"), "88122-7": a("LA28397-0"), "88123-5": a("LA28398-8"),
			"93030-5": a("LA33-6"), "96779-4": a("LA32-8"), "95618-5": a("LA6482-9"), "95617-7": a("LA6482-9"),
			"95616-9": a("LA6270-8"), "95615-1": a("LA6270-8"), "76513-1": a("LA15832-1"),
		}, []string{"food-insecurity", "housing-instability", "homelessness", "transportation-insecurity", "financial-insecurity", "intimate-partner-violence"}, nil, 0},

		// PRAPARE.
		{"prapare no housing", "prapare", map[string][]string{"71802-3": a("LA30190-5")}, []string{"homelessness"}, nil, 0},
		{"prapare has housing", "prapare", map[string][]string{"71802-3": a("LA30189-7")}, nil, nil, 0},
		{"prapare worried about housing", "prapare", map[string][]string{"93033-9": a("LA33-6")}, []string{"housing-instability"}, nil, 0},
		{"prapare not worried", "prapare", map[string][]string{"93033-9": a("LA32-8")}, nil, nil, 0},
		{"prapare unemployed", "prapare", map[string][]string{"67875-5": a("LA17956-6")}, []string{"employment-status"}, nil, 0},
		{"prapare not seeking work", "prapare", map[string][]string{"67875-5": a("LA30137-6")}, nil, nil, 0},
		{"prapare part-time", "prapare", map[string][]string{"67875-5": a("LA30138-4")}, nil, nil, 0},
		{"prapare went without: every answer", "prapare", map[string][]string{"93031-3": a("LA30125-1", "LA30126-9", "LA30124-4", "LA30127-7", "LA30128-5", "LA30129-3", "LA46-8")},
			[]string{"food-insecurity", "utility-insecurity", "material-hardship", "clothing-household", "medical-cost-burden", "childcare", "digital-access"}, nil, 0},
		{"prapare went without food and phone", "prapare", map[string][]string{"93031-3": a("LA30125-1", "LA30129-3")}, []string{"food-insecurity", "digital-access"}, nil, 0},
		{"prapare transportation medical", "prapare", map[string][]string{"93030-5": a("LA30133-5")}, []string{"transportation-insecurity"}, nil, 0},
		{"prapare transportation both", "prapare", map[string][]string{"93030-5": a("LA30133-5", "LA30134-3")}, []string{"transportation-insecurity"}, nil, 0},
		{"prapare transportation no", "prapare", map[string][]string{"93030-5": a("LA32-8")}, nil, nil, 0},
		{"prapare transportation unable to respond", "prapare", map[string][]string{"93030-5": a("LA30257-2")}, nil, nil, 0},
		{"prapare less than high school", "prapare", map[string][]string{"82589-3": a("LA30191-3")}, []string{"educational-attainment"}, nil, 0},
		{"prapare high school", "prapare", map[string][]string{"82589-3": a("LA30192-1")}, nil, nil, 0},
		{"prapare uninsured", "prapare", map[string][]string{"76437-3": a("LA30194-7")}, []string{"health-insurance-coverage-status"}, nil, 0},
		{"prapare medicaid", "prapare", map[string][]string{"76437-3": a("LA17849-3")}, nil, nil, 0},
		{"prapare insurance declined", "prapare", map[string][]string{"76437-3": a("LA30122-8")}, nil, nil, 0},
		{"prapare afraid of partner", "prapare", map[string][]string{"76501-6": a("LA33-6")}, []string{"intimate-partner-violence"}, nil, 0},
		{"prapare no partner", "prapare", map[string][]string{"76501-6": a("LA4720-4")}, nil, nil, 0},
		{"prapare not safe at home", "prapare", map[string][]string{"93026-3": a("LA32-8")}, []string{"intimate-partner-violence"}, nil, 0},
		{"prapare unsure if safe", "prapare", map[string][]string{"93026-3": a("LA14072-5")}, nil, nil, 0},
		{"prapare afraid and not safe: one need", "prapare", map[string][]string{"93026-3": a("LA32-8"), "76501-6": a("LA33-6")},
			[]string{"intimate-partner-violence"}, map[string][]string{"intimate-partner-violence": {"93026-3", "76501-6"}}, 0},
		{"prapare refugee", "prapare", map[string][]string{"93027-1": a("LA33-6")}, []string{"immigration"}, nil, 0},
		{"prapare jail", "prapare", map[string][]string{"93028-9": a("LA33-6")}, []string{"incarceration-status"}, nil, 0},
		{"prapare armed forces", "prapare", map[string][]string{"93034-7": a("LA33-6")}, []string{"veteran-status"}, nil, 0},
		{"prapare language other", "prapare", map[string][]string{"54899-0": a("LA30188-9")}, []string{"language-access"}, nil, 0},
		{"prapare language English", "prapare", map[string][]string{"54899-0": a("LA43-5")}, nil, nil, 0},
		{"prapare isolated", "prapare", map[string][]string{"93029-7": a("LA27722-0")}, []string{"social-connection"}, nil, 0},
		{"prapare stress very much", "prapare", map[string][]string{"93038-8": a("LA13914-9")}, []string{"stress"}, nil, 0},
		{"prapare stress a little", "prapare", map[string][]string{"93038-8": a("LA13863-8")}, nil, nil, 0},
		{"prapare numbers and text: no rule", "prapare", map[string][]string{"63512-8": a("4"), "63586-2": a("21000.50"),
			"56799-0": a("1 Main St"), "56051-6": a("LA33-6"), "32624-9": a("LA6156-9", "LA4457-3"), "93035-4": a("LA33-6")}, nil, nil, 0},
		{"instrument name is case-insensitive", " PRAPARE ", map[string][]string{"93027-1": a("LA33-6")}, []string{"immigration"}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := v.Screen(tt.instrument, tt.answers)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, n := range res.Needs {
				got = append(got, n.Code)
				if n.Reason == "" || len(n.Items) == 0 {
					t.Errorf("%s: no reason or items: %+v", n.Code, n)
				}
				if want, ok := tt.items[n.Code]; ok && !slices.Equal(n.Items, want) {
					t.Errorf("%s: items %v, want %v", n.Code, n.Items, want)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("needs %v, want %v (%+v)", got, tt.want, res)
			}
			if len(res.Notes) != tt.notes {
				t.Errorf("notes %q, want %d", res.Notes, tt.notes)
			}
			if res.Needs == nil {
				t.Error("Needs is nil; want an empty list so JSON says []")
			}
		})
	}
}

func TestScreenReasons(t *testing.T) {
	v := mustVocabulary(t)
	tests := []struct {
		instrument string
		answers    map[string][]string
		want       map[string]string
	}{
		{"ahc-hrsn", map[string][]string{"88122-7": a("LA28397-0")},
			map[string]string{"food-insecurity": "Food: worried food would run out (often true)"}},
		{"ahc-hrsn", map[string][]string{"88122-7": a("LA28397-0"), "88123-5": a("LA6729-3")},
			map[string]string{"food-insecurity": "Food: worried food would run out (often true); food didn't last (sometimes true)"}},
		{"ahc-hrsn", map[string][]string{"96778-6": a("LA31996-4", "LA28580-1")},
			map[string]string{"inadequate-housing": "Housing quality: problems with the place they live (pests, mold)"}},
		{"ahc-hrsn", map[string][]string{"71802-3": a("LA31995-6")},
			map[string]string{"housing-instability": "Housing: living situation (no steady place to live)",
				"homelessness": "Homelessness: living situation (no steady place to live)"}},
		{"ahc-hrsn", safety(3, 3, 3, 2),
			map[string]string{"intimate-partner-violence": "Safety: safety score 11 of 20 (over 10 is positive)"}},
		{"ahc-hrsn", safety(5, 5, 5),
			map[string]string{"intimate-partner-violence": "Safety: safety score 15 of 20 (over 10 is positive), from 3 of 4 items"}},
		{"ahc-hrsn", map[string][]string{"44250-9": a("LA6571-9")},
			map[string]string{"mental-health": "Mood: PHQ-2 score 3 of 6 (3 or more is positive), from 1 of 2 items"}},
		{"prapare", map[string][]string{"93031-3": a("LA30128-5")},
			map[string]string{"medical-cost-burden": "Health care: could not get when really needed (medicine or health care)"}},
		{"prapare", map[string][]string{"76501-6": a("LA33-6"), "93026-3": a("LA32-8")},
			map[string]string{"intimate-partner-violence": "Safety: afraid of partner or ex-partner in the last year (yes); Safety at home: feels physically and emotionally safe where they live (no)"}},
	}
	for _, tt := range tests {
		res, err := v.Screen(tt.instrument, tt.answers)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, n := range res.Needs {
			got[n.Code] = n.Reason
		}
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%v:\n got %q\nwant %q", tt.answers, got, tt.want)
		}
	}
}

func TestScreenErrors(t *testing.T) {
	v := mustVocabulary(t)
	tests := []struct {
		name       string
		instrument string
		answers    map[string][]string
		fields     []string
	}{
		{"unknown instrument", "phq-9", map[string][]string{"44250-9": a("LA6568-5")}, []string{"screening.instrument"}},
		{"empty instrument", "", nil, []string{"screening.instrument"}},
		{"unknown item", "ahc-hrsn", map[string][]string{"12345-6": a("LA33-6")}, []string{"screening.answers.12345-6"}},
		{"PRAPARE item on AHC", "ahc-hrsn", map[string][]string{"93033-9": a("LA33-6")}, []string{"screening.answers.93033-9"}},
		{"unknown answer", "ahc-hrsn", map[string][]string{"88122-7": a("LA999-9")}, []string{"screening.answers.88122-7"}},
		{"answer of another item", "ahc-hrsn", map[string][]string{"93030-5": a("LA32002-0")}, []string{"screening.answers.93030-5"}},
		{"AHC answer to the PRAPARE item of the same code", "prapare", map[string][]string{"71802-3": a("LA31995-6")}, []string{"screening.answers.71802-3"}},
		{"two answers to a single-answer item", "ahc-hrsn", map[string][]string{"88122-7": a("LA28397-0", "LA6729-3")}, []string{"screening.answers.88122-7"}},
		{"none of the above with others", "ahc-hrsn", map[string][]string{"96778-6": a("LA9-3", "LA28580-1")}, []string{"screening.answers.96778-6"}},
		{"decline with others", "prapare", map[string][]string{"93031-3": a("LA30125-1", "LA30122-8")}, []string{"screening.answers.93031-3"}},
		{"no with yes (transportation)", "prapare", map[string][]string{"93030-5": a("LA30133-5", "LA32-8")}, []string{"screening.answers.93030-5"}},
		{"safety total not a number", "ahc-hrsn", map[string][]string{"95614-4": a("twelve")}, []string{"screening.answers.95614-4"}},
		{"safety total not whole", "ahc-hrsn", map[string][]string{"95614-4": a("11.5")}, []string{"screening.answers.95614-4"}},
		{"safety total out of range", "ahc-hrsn", map[string][]string{"95614-4": a("21")}, []string{"screening.answers.95614-4"}},
		{"safety total NaN", "ahc-hrsn", map[string][]string{"95614-4": a("NaN")}, []string{"screening.answers.95614-4"}},
		{"household size zero", "prapare", map[string][]string{"63512-8": a("0")}, []string{"screening.answers.63512-8"}},
		{"every bad field named", "ahc-hrsn", map[string][]string{"88122-7": a("LA1-1"), "00000-0": a("x"), "93030-5": a("LA33-6")},
			[]string{"screening.answers.88122-7", "screening.answers.00000-0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Screen(tt.instrument, tt.answers)
			if resources.ErrorCode(err) != resources.EINVALID {
				t.Fatalf("error %v, want EINVALID", err)
			}
			fields := resources.ErrorFields(err)
			var got []string
			for f := range fields {
				got = append(got, f)
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tt.fields))
			if !slices.Equal(got, want) {
				t.Errorf("fields %v, want %v", fields, want)
			}
		})
	}
}

// TestScreenErrorMessage pins the one message the API shows most often.
func TestScreenErrorMessage(t *testing.T) {
	_, err := mustVocabulary(t).Screen("ahc-hrsn", map[string][]string{"88122-7": a("LA999-9")})
	want := `"LA999-9" is not an answer to this item; use LA28397-0, LA6729-3, LA28398-8 or LA30122-8`
	if got := resources.ErrorFields(err)["screening.answers.88122-7"]; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	_, err = mustVocabulary(t).Screen("gad-7", nil)
	if got := resources.ErrorFields(err)["screening.instrument"]; !strings.Contains(got, "use ahc-hrsn or prapare") {
		t.Errorf("instrument error %q does not list the instruments", got)
	}
}

// TestInstruments checks the embedded instrument files: they parse, every
// rule names a need in the vocabulary, every rule says why, and every item
// the brief lists is there.
func TestInstruments(t *testing.T) {
	v := mustVocabulary(t)
	set, err := loadInstruments()
	if err != nil {
		t.Fatal(err)
	}
	if len(set) != 2 || set["ahc-hrsn"] == nil || set["prapare"] == nil {
		t.Fatalf("instruments %v, want ahc-hrsn and prapare", set)
	}
	for _, in := range set {
		for _, r := range in.Rules {
			if _, ok := v.Need(r.Need); !ok {
				t.Errorf("%s: rule need %q is not in the vocabulary", in.Code, r.Need)
			}
		}
		for _, it := range in.Items {
			if it.Short == "" || it.Text == "" {
				t.Errorf("%s %s: short and text are required", in.Code, it.Code)
			}
		}
	}
	ahc := []string{"71802-3", "96778-6", "88122-7", "88123-5", "93030-5", "96779-4", "95618-5", "95617-7", "95616-9", "95615-1", "95614-4",
		"76513-1", "96780-2", "96781-0", "93159-2", "97027-7", "96782-8", "89555-7", "68516-4", "77594-0", "68517-2", "96842-0",
		"95530-2", "68524-8", "44250-9", "44255-8", "93038-8", "71969-0", "69858-9", "69861-3"}
	prapare := []string{"56051-6", "32624-9", "93035-4", "93034-7", "54899-0", "63512-8", "71802-3", "93033-9", "56799-0", "82589-3",
		"67875-5", "76437-3", "63586-2", "93031-3", "93030-5", "93029-7", "93038-8", "93028-9", "93027-1", "93026-3", "76501-6"}
	for name, codes := range map[string][]string{"ahc-hrsn": ahc, "prapare": prapare} {
		for _, c := range codes {
			if set[name].items[c] == nil {
				t.Errorf("%s lacks item %s", name, c)
			}
		}
	}
}

func TestParseInstrumentRejects(t *testing.T) {
	base := `{"code":"x","decline":{"code":"D"},"items":[{"code":"1","short":"s","text":"t","type":"choice","answers":[{"code":"A","value":1},{"code":"B"}]},
		{"code":"2","short":"s","text":"t","type":"integer","min":0,"max":9}],"rules":[%s]}`
	bad := map[string]string{
		"unknown item":        `{"need":"n","label":"L","policy":"local","why":"w","items":["9"],"answers":["A"]}`,
		"unknown answer":      `{"need":"n","label":"L","policy":"local","why":"w","items":["1"],"answers":["Z"]}`,
		"no kind":             `{"need":"n","label":"L","policy":"local","why":"w","items":["1"]}`,
		"two kinds":           `{"need":"n","label":"L","policy":"local","why":"w","items":["1"],"answers":["A"],"except":["B"]}`,
		"no why":              `{"need":"n","label":"L","policy":"local","items":["1"],"answers":["A"]}`,
		"bad policy":          `{"need":"n","label":"L","policy":"maybe","why":"w","items":["1"],"answers":["A"]}`,
		"sum without values":  `{"need":"n","label":"L","policy":"local","why":"w","items":["1"],"sum":{"name":"s","of":2,"above":1}}`,
		"rule on number item": `{"need":"n","label":"L","policy":"local","why":"w","items":["2"],"answers":["A"]}`,
	}
	for name, rule := range bad {
		if _, err := parseInstrument(fmt.Appendf(nil, base, rule)); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
	if _, err := parseInstrument(fmt.Appendf(nil, base, `{"need":"n","label":"L","policy":"local","why":"w","items":["1"],"answers":["A"]}`)); err != nil {
		t.Errorf("good instrument: %v", err)
	}
}

func TestScreeningInstrumentsJSON(t *testing.T) {
	for name, b := range data.ScreeningInstruments() {
		if !json.Valid(b) {
			t.Errorf("%s is not valid JSON", name)
		}
	}
}

func ExampleVocabulary_Screen() {
	v, _ := LoadVocabulary()
	res, _ := v.Screen("ahc-hrsn", map[string][]string{
		"71802-3": {"LA31994-9"},              // worried about losing housing
		"88122-7": {"LA28397-0"},              // worried food would run out: often true
		"96778-6": {"LA31996-4", "LA31998-0"}, // pests, no heat
	})
	for _, n := range res.Needs {
		fmt.Printf("%s %v: %s\n", n.Code, n.Items, n.Reason)
	}
	// Output:
	// food-insecurity [88122-7]: Food: worried food would run out (often true)
	// housing-instability [71802-3]: Housing: living situation (has a place today but worried about losing it)
	// inadequate-housing [96778-6]: Housing quality: problems with the place they live (pests, no heat)
}
