package web

import (
	"cmp"
	"net/http"
	"net/url"
	"strconv"

	"quire"
)

// Organization pages: daily cards and paper pages link the Hugging Face
// organization a paper was submitted for here.
//
//	GET /organizations/{name}    the papers daily lists show under the
//	                             organization, newest first, and a Follow form
//
// Unlike author and category pages these read the daily lists, not the
// search index: organizations live on daily entries, not on papers.

// organizationPath is the page of the organization with the handle name.
func organizationPath(name string) string { return "/organizations/" + url.PathEscape(name) }

// organizationPage serves GET /organizations/{name}. An organization with
// no listed paper here is not found.
func (h *Handler) organizationPage(w http.ResponseWriter, r *http.Request) error {
	name, err := quire.CanonicalOrganization(r.PathValue("name"))
	if err != nil {
		return err
	}
	n, err := topicPageNumber(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	items, more, err := h.store.FindDailyItems(ctx, quire.DailyFilter{Organization: name, Sort: quire.SortNew,
		Offset: (n - 1) * topicPageSize, Limit: topicPageSize})
	if err != nil {
		return err
	}
	if len(items) == 0 && n == 1 {
		return quire.NotFoundf("No paper here was submitted for the organization %s.", name)
	}
	// The handle as the lists spell it, and its display name.
	heading := name
	for _, it := range items {
		if o := it.Entry.Organization; o.Name != "" {
			name, heading = o.Name, cmp.Or(o.Fullname, o.Name)
			break
		}
	}
	page := &TopicPage{Kind: string(quire.FollowOrganization), Name: name, Heading: heading, PageNumber: n}
	page.Cards = make([]Card, len(items))
	for i, it := range items {
		page.Cards[i] = newCard(it)
	}
	if err := h.fillVotes(r, page.Cards); err != nil {
		return err
	}
	base := r.URL.Path
	if n > 1 {
		page.PrevPage = base
		if n > 2 {
			page.PrevPage += "?page=" + strconv.Itoa(n-1)
		}
	}
	if more {
		page.NextPage = base + "?page=" + strconv.Itoa(n+1)
	}
	page.BasePage = h.base(heading, "Papers submitted to the daily lists for "+heading+", newest first.", "")
	if err := h.fillFollowBox(r, &page.Follow, quire.FollowOrganization, name, nil, nil); err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "topic.html", page)
}
