package web

import (
	"io"
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"quire"
	"quire/internal/search"
)

// populated has a filled-in value of every page type, so that each
// template runs through its branches with data as well as without.
var populated = map[string]any{
	"list.html": &ListPage{
		BasePage:   BasePage{PageTitle: "Papers · Quire", Description: "d", Nav: "day", WeekHref: "/papers/week/2025-W25", MonthHref: "/papers/month/2025-06"},
		Heading:    "Jun 16, 2025",
		Subheading: "Monday",
		Notice:     "No papers yet today — showing Jun 16, 2025.",
		Tabs:       []Link{{Label: "Daily", Href: "/papers/date/2025-06-16", Active: true}},
		Prev:       Link{Label: "Jun 13, 2025", Href: "/papers/date/2025-06-13"},
		Next:       Link{Label: "Jun 17, 2025", Href: "/papers/date/2025-06-17"},
		Sorts:      []Link{{Label: "Newest", Href: "?sort=new"}},
		Cards: []Card{{
			Href: "/papers/2506.10892", Title: "The Diffusion Duality", Snippet: "Duo…", AISummary: true,
			Authors: "6 authors", Date: "Jun 12, 2025", DateISO: "2025-06-12", Upvotes: 5, Comments: "1 comment",
			CodeURL: "https://github.com/s-sahoo/duo", SubmittedBy: "s-sahoo",
			Vote: VoteButton{Action: "/papers/2506.10892/vote", Return: "/", Token: "tok", Voted: true},
		}, {
			Href: "/papers/2506.08592", Title: "Another", Upvotes: 1,
			Vote: VoteButton{Action: "/papers/2506.08592/vote", LoginHref: "/login?return=%2F"},
		}},
		PrevPage:   "?p=1",
		NextPage:   "?p=3",
		PageNumber: 2,
	},
	"paper.html": &PaperPage{
		BasePage:  BasePage{PageTitle: "The Diffusion Duality · Quire"},
		ID:        "2506.10892",
		Title:     "The Diffusion Duality",
		Authors:   []string{"Subham Sekhar Sahoo", "Justin Deschenaux"},
		Abstract:  []string{"First.", "Second."},
		AISummary: "Duo improves…", Keywords: []string{"Gaussian diffusion"},
		Listed: true, Upvotes: 5, Comments: "1 comment",
		Categories: []string{"cs.LG"},
		Published:  "Jun 12, 2025", PublishedISO: "2025-06-12", Updated: "Jun 14, 2025", UpdatedISO: "2025-06-14",
		ArxivComments: "12 pages", JournalRef: "J. Phys. 1 (2025)",
		Links:      []Link{{Label: "PDF", Href: "https://arxiv.org/pdf/2506.10892"}},
		Lists:      []Link{{Label: "Jun 16, 2025 · 5 upvotes", Href: "/papers/date/2025-06-16"}},
		BibTeX:     "@misc{x,\n}",
		Similar:    []Card{{Href: "/papers/2506.08592", Title: "Another", Snippet: "Text", Authors: "1 author", Upvotes: 2}},
		Vote:       VoteButton{Action: "/papers/2506.10892/vote", Return: "/papers/2506.10892", Token: "tok"},
		Moderation: &PaperModeration{CSRF: "tok", Hidden: true, Entries: []EntryModeration{{Day: "2025-06-16", Label: "Jun 16, 2025", Submitter: "akhaliq"}}},
		Thread: &Thread{Count: "3 comments", Action: "/papers/2506.10892/comments", Token: "tok", Comments: []*CommentView{
			{ID: 1, Author: "ada", Date: "Jun 16, 2025", DateISO: "2025-06-16", Edited: true, HTML: "<p>Nice</p>", Source: "Nice",
				Mine: true, Moderate: true, Reply: true, Replies: []*CommentView{
					{ID: 2, Deleted: true},
					{ID: 3, Author: "bob", Hidden: true, Moderate: true},
				}},
		}},
	},
	"search.html": &SearchPage{
		BasePage:  BasePage{PageTitle: "Search results for “scaling” · Quire", Query: "scaling"},
		Form:      SearchForm{Q: "scaling", Cat: "cs.CL", From: "2024", To: "2025", HasCode: true},
		Sorts:     []Option{{Value: "relevance", Label: "Relevance", Selected: true}},
		Modes:     []Option{{Value: "hybrid", Label: "Words and meaning", Selected: true}},
		Searched:  true,
		Examples:  []Link{{Label: "author:hinton", Href: "/papers?q=author%3Ahinton"}},
		Parsed:    "scaling cat:cs.CL year:2024",
		ModeLabel: "Words and meaning",
		Cards: []Card{{
			Href: "/papers/2506.10892", Title: "Scaling laws",
			TitleMarks:   []search.Segment{{Text: "Scaling", Match: true}, {Text: " laws"}},
			SnippetMarks: []search.Segment{{Text: "…"}, {Text: "scaling", Match: true}, {Text: " it"}},
			Authors:      "6 authors", Date: "Jun 12, 2025", DateISO: "2025-06-12", Upvotes: 5,
		}},
		PrevPage: "/papers?q=scaling", NextPage: "/papers?p=3&q=scaling", PageNumber: 2,
	},
	"auth.html": &AuthPage{
		BasePage: BasePage{PageTitle: "Sign up · Quire", Accounts: true, LoginHref: "/login"},
		Mode:     "signup", Heading: "Sign up", Action: "/signup", Token: "tok", Return: "/papers/2506.10892",
		Error: "A username has 3 to 32 characters.", Username: "ada", Email: "ada@example.org",
	},
	"account.html": &AccountPage{
		BasePage: BasePage{PageTitle: "Your account · Quire", Accounts: true, Username: "ada", CSRF: "tok"},
		Account:  &quire.Account{Username: "ada", Email: "ada@example.org"},
		Joined:   "Jun 16, 2025", Token: "tok", Error: "The current password is not right.", Notice: "Changed.",
	},
	"submit.html": &SubmitPage{
		BasePage: BasePage{PageTitle: "Submit a paper · Quire", Accounts: true, Username: "ada", CSRF: "tok"},
		Token:    "tok", Value: "2506.1", Error: "not an id", MaxAgeDays: 14, PerDay: 5,
	},
	"notice.html": &NoticePage{
		BasePage: BasePage{PageTitle: "Confirm your e-mail address · Quire", Accounts: true, LoginHref: "/login"},
		Heading:  "Confirm your e-mail address", Message: "Confirm that ada@example.org is the address of ada.",
		Error: "This link has expired.", Action: "/account/verify", CSRF: "tok", Link: "signed", Button: "Confirm my address",
	},
	"password.html": &PasswordPage{
		BasePage: BasePage{PageTitle: "Choose a new password · Quire", Accounts: true, LoginHref: "/login"},
		Mode:     "reset", CSRF: "tok", Link: "signed", Email: "ada@example.org", Error: "Too short.", Notice: "Sent.",
	},
	"moderation.html": &ModerationPage{
		BasePage: BasePage{PageTitle: "Moderation · Quire", Accounts: true, Username: "mod", CSRF: "tok"},
		CSRF:     "tok", Error: "There is no account.", Notice: "Done.", Next: "/moderation?offset=50",
		Audit: []AuditRow{{At: "2025-06-16 09:00", Actor: "mod", Action: "hide", Target: "paper 2506.10892", Reason: "spam",
			TargetHref: "/papers/2506.10892", Undo: &UndoForm{Action: "/papers/2506.10892/hide", Fields: map[string]string{"hidden": "0"}, Label: "Show again"}}},
	},
	"subscribe.html": &SubscribePage{
		BasePage: BasePage{PageTitle: "Get the digest by e-mail · Quire", Accounts: true, LoginHref: "/login"},
		Mode:     "confirm", CSRF: "tok", MailOff: false, Error: "This link has expired.", Notice: "Check your inbox.",
		Form: SubscriptionForm{Email: "ada@example.org", Frequency: "weekly", Query: "diffusion", Categories: "cs.CL, cs.LG", Authors: "Ada Lovelace\nAlan Turing"},
		Link: "signed", ManageHref: "/subscription?t=signed",
	},
	"subscription.html": &SubscriptionPage{
		BasePage: BasePage{PageTitle: "Your digest · Quire", Accounts: true, Username: "ada", CSRF: "tok"},
		Mode:     "manage", CSRF: "tok", Link: "signed", Pending: true,
		Form:              SubscriptionForm{Email: "ada@example.org", Frequency: "daily", Query: "diffusion", Categories: "cs.CL", Authors: "Ada Lovelace"},
		UnsubscribeAction: "/unsubscribe?t=signed", SubscribeHref: "/subscribe?email=ada%40example.org",
		Error: "Follow at most 10 categories.", Notice: "Saved.",
	},
	"digest.html": &DigestPage{
		BasePage: BasePage{PageTitle: "Your daily digest · Quire", Accounts: true, LoginHref: "/login", Digests: true},
		Heading:  "Your daily digest", Period: "Papers of Jun 16, 2025", PeriodHref: "/papers/date/2025-06-16",
		Sections: []DigestSectionView{
			{Title: "Trending", Cards: []Card{{ID: "2506.10892", Href: "/papers/2506.10892", Title: "The Diffusion Duality", Snippet: "Duo…",
				Authors: "6 authors", Date: "Jun 12, 2025", DateISO: "2025-06-12", Upvotes: 5, Comments: "1 comment",
				Vote: VoteButton{Action: "/papers/2506.10892/vote", LoginHref: "/login"}}}},
			{Title: "cs.CL"},
		},
	},
	"error.html": &ErrorPage{BasePage: BasePage{PageTitle: "Page not found · Quire"}, Status: 404, Heading: "Page not found", Message: "Nothing here."},
}

// TestTemplates executes every page template with a zero value of its data
// type and with a populated one.
func TestTemplates(t *testing.T) {
	s, err := loadSite(embedded)
	if err != nil {
		t.Fatal(err)
	}
	for name, zero := range pages {
		t.Run(name, func(t *testing.T) {
			full, ok := populated[name]
			if !ok {
				t.Fatalf("no populated %T for %s in this test", zero, name)
			}
			if reflect.TypeOf(full).Elem() != reflect.TypeOf(zero) {
				t.Fatalf("populated value is %T, page renders %T", full, zero)
			}
			for _, data := range []any{reflect.New(reflect.TypeOf(zero)).Interface(), full} {
				var b strings.Builder
				if err := s.pages[name].ExecuteTemplate(&b, "layout", data); err != nil {
					t.Fatalf("executing with %+v: %v", data, err)
				}
				if !strings.Contains(b.String(), "</html>") {
					t.Errorf("output is cut short:\n%s", b.String())
				}
			}
		})
	}
}

// withFile returns the embedded files plus one more.
func withFile(t *testing.T, name, content string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(embedded, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := embedded.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		data, err := io.ReadAll(f)
		m[path] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	m[name] = &fstest.MapFile{Data: []byte(content)}
	return m
}

func TestLoadSiteRejects(t *testing.T) {
	for _, tc := range []struct {
		name, file, content, want string
	}{
		{"unknown page", "templates/stray.html", `{{define "content"}}x{{end}}`, "not a known page"},
		{"unused partial", "templates/_partials/stray.html", `{{define "stray"}}x{{end}}`, "not used"},
		{"bad syntax", "templates/error.html", `{{define "content"}}{{if}}{{end}}`, "error.html"},
		{"page without content", "templates/error.html", `<p>no content</p>`, `does not define "content"`},
		{"unknown asset type", "static/notes.txt", "hello", "content type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadSite(withFile(t, tc.file, tc.content))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("loadSite with %s: error %v, want one mentioning %q", tc.file, err, tc.want)
			}
		})
	}
}
