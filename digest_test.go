package quire

import (
	"testing"
	"time"
)

func TestPeriodBefore(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse(DayLayout, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, tc := range []struct {
		f          Frequency
		sent       string
		start, end string
		key        string
	}{
		{Daily, "2026-11-27", "2026-11-26", "2026-11-27", "daily:2026-11-26"}, // Friday: Thursday's
		{Daily, "2026-11-30", "2026-11-27", "2026-11-30", "daily:2026-11-27"}, // Monday: Friday to Sunday
		{Daily, "2026-12-01", "2026-11-30", "2026-12-01", "daily:2026-11-30"}, // Tuesday: Monday's
		{Weekly, "2026-11-30", "2026-11-23", "2026-11-30", "weekly:2026-W48"}, // Monday: the week before
		{Weekly, "2026-12-03", "2026-11-23", "2026-11-30", "weekly:2026-W48"}, // late in the week: still the last whole week
		{Weekly, "2027-01-04", "2026-12-28", "2027-01-04", "weekly:2026-W53"}, // ISO year 2026 has 53 weeks
	} {
		p := PeriodBefore(tc.f, day(tc.sent).Add(7*time.Hour))
		if got := p.Start.Format(DayLayout) + ".." + p.End.Format(DayLayout); got != tc.start+".."+tc.end || p.Key() != tc.key {
			t.Errorf("PeriodBefore(%s, %s) = %s %s, want %s..%s %s", tc.f, tc.sent, got, p.Key(), tc.start, tc.end, tc.key)
		}
	}
}

func TestNormalizeTopics(t *testing.T) {
	got, err := NormalizeTopics(Topics{
		Query:      "  scaling laws ",
		Categories: []string{"cs.CL", " cs.CL", "hep-th", ""},
		Authors:    []string{"Ada  Lovelace", "ada lovelace", " "},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Query != "scaling laws" || len(got.Categories) != 2 || len(got.Authors) != 1 || got.Authors[0] != "Ada Lovelace" {
		t.Errorf("NormalizeTopics = %+v", got)
	}
	for _, bad := range []Topics{
		{Query: "a\r\nBcc: x@example.org"},
		{Query: string(make([]byte, MaxTopicQueryLen+1))},
		{Categories: []string{"cs.CL; DROP TABLE"}},
		{Categories: []string{"<script>"}},
		{Authors: []string{"Ada\x00"}},
		{Authors: []string{"a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "a10", "a11"}},
	} {
		if _, err := NormalizeTopics(bad); err == nil {
			t.Errorf("NormalizeTopics(%+v) succeeded", bad)
		}
	}
}

func TestPrepareSubscription(t *testing.T) {
	s, err := PrepareSubscription(&Subscription{Email: " Ada@Example.ORG ", Frequency: "Weekly"})
	if err != nil || s.Email != "ada@example.org" || s.Frequency != Weekly {
		t.Fatalf("PrepareSubscription = %+v, %v", s, err)
	}
	for _, bad := range []*Subscription{
		{Email: "ada@example.org\r\nBcc: eve@example.org", Frequency: Daily},
		{Email: "not an address", Frequency: Daily},
		{Email: "ada@example.org", Frequency: "hourly"},
	} {
		if _, err := PrepareSubscription(bad); err == nil {
			t.Errorf("PrepareSubscription(%+v) succeeded", bad)
		}
	}
}
