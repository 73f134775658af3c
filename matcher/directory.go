package matcher

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/paulmach/orb"
)

// Reading needs from the directory's own listings, for words the needs'
// lexicon does not know ("my benefits were denied and I want to appeal"):
// the listings near the client that the words fit best vote for the needs
// their taxonomy terms serve, each vote weighed by how well the words fit
// the listing (its BM25 score over the best one's) and how squarely the
// listing serves the need (Need.Grade).
const (
	// directoryHits is how many of the best listings vote.
	directoryHits = 10
	// directoryMinVote is the least vote a need must have: about what one
	// best-fitting listing that serves it gives (GradeRelated: the most a
	// directory's own keywords give), so one stray listing in the middle
	// of the list does not make a need.
	directoryMinVote = GradeRelated
	// directoryShare: a need is taken when its vote is at least this
	// share of the best need's.
	directoryShare = 0.6
	// directoryMaxNeeds caps the needs read from one text.
	directoryMaxNeeds = 2
)

// inferredNeed is a need read from the directory, with the words that say
// how.
type inferredNeed struct {
	Code string
	Vote float64
	Why  string
}

func (m *Matcher) needsFromDirectory(ctx context.Context, text string, near orb.Point, radiusKm float64) ([]inferredNeed, error) {
	hits, err := m.Finder.TextHits(ctx, text, near, radiusKm, directoryHits)
	if err != nil || len(hits) == 0 || hits[0].Score <= 0 {
		return nil, err
	}
	top := hits[0].Score
	votes := map[string]float64{}
	names := map[string][]string{}
	for _, h := range hits {
		w := h.Score / top
		for _, code := range h.Needs {
			n, ok := m.Vocab.Need(code)
			if !ok {
				continue
			}
			best := 0.0
			for _, t := range h.Terms {
				best = max(best, m.Vocab.TermGrade(n, t))
			}
			if best == 0 {
				continue
			}
			votes[code] += w * best
			if len(names[code]) < 3 && !slices.Contains(names[code], h.Name) {
				names[code] = append(names[code], h.Name)
			}
		}
	}
	var out []inferredNeed
	for code, v := range votes {
		out = append(out, inferredNeed{Code: code, Vote: v})
	}
	slices.SortFunc(out, func(a, b inferredNeed) int {
		if a.Vote != b.Vote {
			if a.Vote > b.Vote {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Code, b.Code)
	})
	if len(out) == 0 || out[0].Vote < directoryMinVote {
		return nil, nil
	}
	keep := out[:0]
	for _, in := range out {
		if len(keep) == directoryMaxNeeds || in.Vote < directoryShare*out[0].Vote {
			break
		}
		in.Why = fmt.Sprintf("no need's words matched; the words fit listings near the client that serve it: %s", strings.Join(names[in.Code], "; "))
		keep = append(keep, in)
	}
	return keep, nil
}
