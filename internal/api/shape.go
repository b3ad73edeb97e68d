package api

import (
	"time"

	"quire"
)

// DailyPaper is one item of GET /api/daily_papers, shaped like Hugging
// Face's.
type DailyPaper struct {
	Paper Paper `json:"paper"`
	// PublishedAt is when the paper was posted to the list (the day itself
	// when the source did not say).
	PublishedAt string `json:"publishedAt"`
	// Title is the title as the list shows it.
	Title       string `json:"title"`
	Summary     string `json:"summary"`
	Thumbnail   string `json:"thumbnail,omitempty"`
	NumComments int    `json:"numComments"`
	SubmittedBy *User  `json:"submittedBy,omitempty"`
	// Organization is the organization the paper was submitted for, when
	// the list names one.
	Organization *Organization `json:"organization,omitempty"`
}

// Organization is a daily-list item's organization, in Hugging Face's
// shape (without its internal "_id").
type Organization struct {
	Name     string `json:"name"`
	Fullname string `json:"fullname,omitempty"`
	Avatar   string `json:"avatar,omitempty"`
}

func newOrganization(o quire.Organization) *Organization {
	if o.Name == "" {
		return nil
	}
	return &Organization{Name: o.Name, Fullname: o.Fullname, Avatar: o.AvatarURL}
}

// Paper is the paper object of Hugging Face's API, as GET /api/papers/{id}
// returns it and as each DailyPaper nests it.
type Paper struct {
	ID      string   `json:"id"`
	Authors []Author `json:"authors"`
	// PublishedAt is when v1 appeared on arXiv; null when no source said.
	PublishedAt        *string  `json:"publishedAt"`
	Title              string   `json:"title"`
	Summary            string   `json:"summary"`
	Upvotes            int      `json:"upvotes"`
	AISummary          string   `json:"ai_summary,omitempty"`
	AIKeywords         []string `json:"ai_keywords,omitempty"`
	GithubRepo         string   `json:"githubRepo,omitempty"`
	ProjectPage        string   `json:"projectPage,omitempty"`
	SubmittedOnDailyAt string   `json:"submittedOnDailyAt,omitempty"`
	SubmittedOnDailyBy *User    `json:"submittedOnDailyBy,omitempty"`

	// Quire extensions, present in GET /api/papers/{id} and in search
	// results, not in daily lists.
	Categories []string `json:"categories,omitempty"`
	ArxivURL   string   `json:"arxivUrl,omitempty"`
	PDFURL     string   `json:"pdfUrl,omitempty"`
	// Withdrawn is true, and WithdrawnAt the time, when arXiv withdrew
	// the paper; both are left out while it stands, so that the object
	// keeps Hugging Face's shape.
	Withdrawn   bool   `json:"withdrawn,omitempty"`
	WithdrawnAt string `json:"withdrawnAt,omitempty"`
}

// Author is one author of a paper. Hidden is always false: Quire does not
// hide authors, but clients of the Hugging Face API expect the field.
type Author struct {
	Name   string `json:"name"`
	Hidden bool   `json:"hidden"`
}

// User is the account that submitted a paper to a daily list.
type User struct {
	Name      string `json:"name"`
	Fullname  string `json:"fullname,omitempty"`
	AvatarURL string `json:"avatarUrl,omitempty"`
}

// timeLayout is how Hugging Face writes times: UTC with milliseconds.
const timeLayout = "2006-01-02T15:04:05.000Z"

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

// newPaper builds the paper object from p and, when the paper was listed,
// its entry e (nil otherwise), which supplies the community fields.
func newPaper(p *quire.Paper, e *quire.DailyEntry) Paper {
	out := Paper{
		ID:          p.ID,
		Authors:     make([]Author, len(p.Authors)),
		Title:       p.Title,
		Summary:     p.Abstract,
		GithubRepo:  p.CodeURL,
		ProjectPage: p.ProjectURL,
	}
	for i, name := range p.Authors {
		out.Authors[i] = Author{Name: name}
	}
	if s := formatTime(p.PublishedAt); s != "" {
		out.PublishedAt = &s
	}
	if e != nil {
		out.Upvotes = e.Upvotes
		out.AISummary = e.AISummary
		out.AIKeywords = e.AIKeywords
		out.SubmittedOnDailyAt = formatTime(e.SubmittedAt)
		out.SubmittedOnDailyBy = newUser(e.Submitter)
	}
	return out
}

func newUser(s quire.Submitter) *User {
	if s.Name == "" {
		return nil
	}
	return &User{Name: s.Name, Fullname: s.Fullname, AvatarURL: s.AvatarURL}
}

func newDailyPaper(it *quire.DailyItem) DailyPaper {
	e := &it.Entry
	published := e.SubmittedAt
	if published.IsZero() {
		published = e.Day
	}
	return DailyPaper{
		Paper:        newPaper(&it.Paper, e),
		PublishedAt:  formatTime(published),
		Title:        it.DisplayTitle(),
		Summary:      it.Paper.Abstract,
		Thumbnail:    e.ThumbnailURL,
		NumComments:  e.NumComments,
		SubmittedBy:  newUser(e.Submitter),
		Organization: newOrganization(e.Organization),
	}
}

// addExtensions sets the paper object's Quire extensions.
func addExtensions(out *Paper, p *quire.Paper) {
	out.Categories = p.Categories
	out.ArxivURL = p.AbsURL()
	out.PDFURL = p.PDFURL()
	if p.Withdrawn() {
		out.Withdrawn = true
		out.WithdrawnAt = formatTime(p.WithdrawnAt)
	}
}

// SearchResult is one item of GET /api/papers/search, shaped like Hugging
// Face's search items (which are daily-list items), and of
// GET /api/papers/{id}/similar.
type SearchResult struct {
	// Paper is the paper object of GET /api/papers/{id}, with upvotes from
	// the paper's best-voted daily list and without the other community
	// fields.
	Paper Paper `json:"paper"`
	// PublishedAt is when v1 appeared on arXiv, left out when unknown.
	PublishedAt string `json:"publishedAt,omitempty"`
	Title       string `json:"title"`
	Summary     string `json:"summary"`
}

func newSearchResult(p *quire.Paper, upvotes int) SearchResult {
	out := SearchResult{
		Paper:       newPaper(p, nil),
		PublishedAt: formatTime(p.PublishedAt),
		Title:       p.Title,
		Summary:     p.Abstract,
	}
	out.Paper.Upvotes = upvotes
	addExtensions(&out.Paper, p)
	return out
}
