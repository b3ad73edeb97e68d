// Package hfdaily reads Hugging Face Daily Papers data: items of the
// /api/daily_papers response, the one-day-per-line archive of them, and
// (client.go) days fetched from such an endpoint, Hugging Face's or another
// Quire's.
package hfdaily

import (
	"encoding/json"
	"strings"
	"time"

	"quire"
	"quire/internal/arxiv"
)

// apiItem is one element of the /api/daily_papers response. Fields that
// Quire does not keep (media lists, discussion ids, GitHub stars) are not
// decoded.
type apiItem struct {
	Paper       apiPaper `json:"paper"`
	PublishedAt string   `json:"publishedAt"` // when the item was posted
	Title       string   `json:"title"`
	Thumbnail   string   `json:"thumbnail"`
	MediaURL    string   `json:"mediaUrl"` // older items: thumbnail's former name
	NumComments int      `json:"numComments"`
	SubmittedBy *apiUser `json:"submittedBy"`
	// Organization is the organization the paper was submitted for; items
	// carry it since 2025-10.
	Organization *apiOrg `json:"organization"`
}

// apiOrg is an organization: its handle ("google"), display name and
// avatar.
type apiOrg struct {
	Name     string `json:"name"`
	Fullname string `json:"fullname"`
	Avatar   string `json:"avatar"`
}

type apiPaper struct {
	ID                 string      `json:"id"`
	Title              string      `json:"title"`
	Authors            []apiAuthor `json:"authors"`
	Summary            string      `json:"summary"`
	PublishedAt        string      `json:"publishedAt"` // arXiv publication
	SubmittedOnDailyAt string      `json:"submittedOnDailyAt"`
	SubmittedOnDailyBy *apiUser    `json:"submittedOnDailyBy"`
	Upvotes            int         `json:"upvotes"`
	GithubRepo         string      `json:"githubRepo"`
	ProjectPage        string      `json:"projectPage"`
	AISummary          string      `json:"ai_summary"`
	AIKeywords         []string    `json:"ai_keywords"`
}

// apiAuthor is an author entry. Its "hidden" flag hides the link to a
// claimed account, not the name, so every name is kept.
type apiAuthor struct {
	Name string `json:"name"`
}

// apiUser is an account: top-level submittedBy has "name", the older
// paper.submittedOnDailyBy has "user" (and sometimes "name" too).
type apiUser struct {
	Name      string `json:"name"`
	User      string `json:"user"`
	Fullname  string `json:"fullname"`
	AvatarURL string `json:"avatarUrl"`
}

// hfBase resolves the site-relative links the API returns (avatars of
// accounts without an uploaded picture are "/avatars/….svg").
const hfBase = "https://huggingface.co"

// ParseItem parses one item of the daily-papers API into the paper and its
// entry on the day's list. day is the list's day when the caller knows it
// (from the archive line or the file name); when zero, the day the paper was
// submitted to the list is used, else the day the item was published. Both
// results are normalised and valid; malformed items are errors of kind
// quire.ErrInvalid.
func ParseItem(data []byte, day time.Time) (*quire.Paper, *quire.DailyEntry, error) {
	var it apiItem
	if err := json.Unmarshal(data, &it); err != nil {
		return nil, nil, jsonError("daily-papers item", err)
	}
	if strings.TrimSpace(it.Paper.ID) == "" {
		return nil, nil, quire.Invalidf("daily-papers item has no paper id")
	}
	id, version, err := arxiv.ParseID(it.Paper.ID)
	if err != nil {
		return nil, nil, err
	}
	var times [3]time.Time
	for i, f := range []struct{ name, value string }{
		{"paper.publishedAt", it.Paper.PublishedAt},
		{"paper.submittedOnDailyAt", it.Paper.SubmittedOnDailyAt},
		{"publishedAt", it.PublishedAt},
	} {
		if times[i], err = parseTime(f.value); err != nil {
			return nil, nil, quire.Invalidf("daily-papers item %s: %s %q is not an RFC 3339 time", id, f.name, clip(f.value))
		}
	}
	published, submittedOnDaily, posted := times[0], times[1], times[2]

	p := &quire.Paper{
		ID:          id,
		Version:     version,
		Title:       it.Paper.Title,
		Authors:     make([]string, 0, len(it.Paper.Authors)),
		Abstract:    it.Paper.Summary,
		PublishedAt: published,
		ProjectURL:  webURL(it.Paper.ProjectPage),
		CodeURL:     codeURL(it.Paper.GithubRepo, it.Paper.Summary),
	}
	for _, a := range it.Paper.Authors {
		p.Authors = append(p.Authors, a.Name)
	}
	if strings.TrimSpace(p.Title) == "" {
		// Items always carry the list title; fall back to it.
		p.Title = it.Title
	}

	e := &quire.DailyEntry{
		Day:          firstTime(day, submittedOnDaily, posted),
		PaperID:      id,
		Title:        it.Title,
		SubmittedAt:  firstTime(submittedOnDaily, posted),
		Submitter:    submitter(it.SubmittedBy, it.Paper.SubmittedOnDailyBy),
		Upvotes:      it.Paper.Upvotes,
		NumComments:  it.NumComments,
		AISummary:    it.Paper.AISummary,
		AIKeywords:   it.Paper.AIKeywords,
		ThumbnailURL: webURL(firstString(it.Thumbnail, it.MediaURL)),
		Organization: organization(it.Organization),
	}

	p.Normalize()
	if err := p.Validate(); err != nil {
		return nil, nil, err
	}
	e.Normalize()
	if err := e.Validate(); err != nil {
		return nil, nil, err
	}
	return p, e, nil
}

// submitter takes the top-level submittedBy, else the paper's
// submittedOnDailyBy (whose handle is "user").
func submitter(by, onDaily *apiUser) quire.Submitter {
	if by != nil && strings.TrimSpace(by.Name) != "" {
		return quire.Submitter{Name: by.Name, Fullname: by.Fullname, AvatarURL: webURL(by.AvatarURL)}
	}
	if onDaily != nil {
		return quire.Submitter{
			Name:      firstString(onDaily.User, onDaily.Name),
			Fullname:  onDaily.Fullname,
			AvatarURL: webURL(onDaily.AvatarURL),
		}
	}
	if by != nil {
		return quire.Submitter{Fullname: by.Fullname, AvatarURL: webURL(by.AvatarURL)}
	}
	return quire.Submitter{}
}

// organization keeps an item's organization when it has a valid handle;
// one without is no organization Quire can link to.
func organization(o *apiOrg) quire.Organization {
	if o == nil {
		return quire.Organization{}
	}
	name, err := quire.CanonicalOrganization(o.Name)
	if err != nil {
		return quire.Organization{}
	}
	return quire.Organization{Name: name, Fullname: o.Fullname, AvatarURL: webURL(o.Avatar)}
}

// codeURL prefers the repository the item names, normalised when it is a
// known code host, and otherwise looks for one in the abstract.
func codeURL(githubRepo, summary string) string {
	if githubRepo = strings.TrimSpace(githubRepo); githubRepo != "" {
		if u := arxiv.FindCodeURL(githubRepo); u != "" {
			return u
		}
		if u := webURL(githubRepo); u != "" {
			return u
		}
	}
	return arxiv.FindCodeURL(summary)
}

// webURL returns s as an absolute http(s) link, resolving site-relative
// paths against huggingface.co, or "" for anything else (so that no
// "javascript:" link from upstream reaches a page).
func webURL(s string) string {
	s = strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://"):
		if strings.ContainsAny(s, " \t\n\r\"<>") {
			return ""
		}
		return s
	case strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//"):
		return webURL(hfBase + s)
	}
	return ""
}

// parseTime parses the API's times ("2025-06-10T09:00:33.000Z"); "" is the
// zero time.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339, s)
}

func firstTime(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

func firstString(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	return ""
}
