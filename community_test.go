package quire

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestNormalizeCommentBody(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Plain.", "Plain."},
		{"Windows\r\nline\r\nends\r\n", "Windows\nline\nends"},
		{"\n  \n\n    code block\nafter", "    code block\nafter"},
		{"tab\tkept, bell\a and esc\x1b become spaces", "tab\tkept, bell  and esc  become spaces"},
		{"trailing   \n\n\t", "trailing"},
		{"old\rmac", "old\nmac"},
		{strings.Repeat("é", MaxCommentBytes/2), strings.Repeat("é", MaxCommentBytes/2)},
	} {
		got, err := NormalizeCommentBody(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("NormalizeCommentBody(%.40q) = %.40q, %v; want %.40q", tc.in, got, err, tc.want)
		}
	}
	for _, tc := range []struct{ name, in, msg string }{
		{"empty", "", "empty"},
		{"blank", " \r\n \t", "empty"},
		{"NUL", "a\x00b", "NUL"},
		{"invalid UTF-8", "a\xffb", "UTF-8"},
		{"too long", strings.Repeat("x", MaxCommentBytes+1), "20000"},
	} {
		_, err := NormalizeCommentBody(tc.in)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(UserMessage(err), tc.msg) {
			t.Errorf("NormalizeCommentBody(%s) error = %v, want ErrInvalid mentioning %q", tc.name, err, tc.msg)
		}
	}
}

func TestCheckRateLimit(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		now        string
		window     time.Duration
		start, end string
	}{
		{"2025-06-16T12:00:10.5Z", time.Minute, "2025-06-16T12:00:00Z", "2025-06-16T12:01:00Z"},
		{"2025-06-16T12:00:00Z", time.Minute, "2025-06-16T12:00:00Z", "2025-06-16T12:01:00Z"},
		{"2025-06-16T14:30:00+02:00", time.Hour, "2025-06-16T12:00:00Z", "2025-06-16T13:00:00Z"},
		{"2025-06-16T12:34:56Z", 24 * time.Hour, "2025-06-16T00:00:00Z", "2025-06-17T00:00:00Z"},
		{"1969-12-31T23:59:30Z", time.Minute, "1969-12-31T23:59:00Z", "1970-01-01T00:00:00Z"},
	} {
		start, end, err := CheckRateLimit("k", tc.window, 1, at(tc.now))
		if err != nil || !start.Equal(at(tc.start)) || !end.Equal(at(tc.end)) {
			t.Errorf("CheckRateLimit(%s, %v) = %v, %v, %v; want %s, %s", tc.now, tc.window, start, end, err, tc.start, tc.end)
		}
	}
}

func TestSubmissionRules(t *testing.T) {
	day := time.Date(2025, 6, 16, 0, 0, 0, 0, time.UTC)
	e, err := PrepareSubmission(Submission{PaperID: "2506.00001", Day: day.Add(15 * time.Hour), AccountID: 1,
		At: day.Add(15*time.Hour + 500*time.Millisecond)}, SubmissionRules{MaxPerDay: 1})
	if err != nil || !e.Day.Equal(day) || !e.SubmittedAt.Equal(day.Add(15*time.Hour)) {
		t.Fatalf("PrepareSubmission = %+v, %v; want the day's entry, submitted at 15:00:00", e, err)
	}
	for _, tc := range []struct {
		listed bool
		mine   int
		kind   error
		msg    string
	}{
		{false, 0, nil, ""},
		{true, 0, ErrConflict, "already on the list of 2025-06-16"},
		{false, 1, ErrRateLimited, "1 paper for 2025-06-16"},
	} {
		err := CheckSubmission(e, tc.listed, tc.mine, SubmissionRules{MaxPerDay: 1})
		if !errors.Is(err, tc.kind) && (err != nil || tc.kind != nil) || !strings.Contains(UserMessage(err), tc.msg) {
			t.Errorf("CheckSubmission(listed %v, mine %d) = %v, want %v saying %q", tc.listed, tc.mine, err, tc.kind, tc.msg)
		}
	}
	if _, err := PrepareSubmission(Submission{PaperID: "x\x00", Day: day}, SubmissionRules{MaxPerDay: 1}); !errors.Is(err, ErrNotFound) {
		t.Errorf("PrepareSubmission(hostile id) error = %v, want ErrNotFound", err)
	}
}
