package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// BasePage holds what the layout needs on every page.
type BasePage struct {
	// PageTitle is the text of <title>. (Not "Title": pages embed BasePage
	// and have titles of their own, which would shadow it.)
	PageTitle string
	// Description is the meta description.
	Description string
	// Nav is the header link to mark as current: "day", "week", "month" or "".
	Nav string
	// WeekHref and MonthHref are the header's links to the newest week's
	// and month's lists.
	WeekHref  string
	MonthHref string
	// Query is the text of the header's search box: the search being
	// shown, or "".
	Query string
	// Accounts is set when the site has accounts; the header then shows
	// Username and a log-out button with CSRF, or LoginHref.
	Accounts  bool
	Username  string
	CSRF      string
	LoginHref string
	// Digests is set when the site mails digests: the header then offers
	// to subscribe.
	Digests bool
	// Feeds are the Atom and RSS feeds of the page, announced to feed
	// readers in <head>; render fills them from the page's address.
	Feeds []FeedLink
}

// basePage gives render the BasePage embedded in a page's data.
func (b *BasePage) basePage() *BasePage { return b }

// fillViewer fills the header's account fields and the page's feeds for r.
func (h *Handler) fillViewer(data any, r *http.Request) {
	bp, ok := data.(interface{ basePage() *BasePage })
	if !ok || r == nil {
		return
	}
	b := bp.basePage()
	b.Feeds = feedLinks(data, r)
	if h.comm == nil {
		return
	}
	b.Accounts = true
	b.Digests = h.comm.mailOn()
	if a := currentAccount(r); a != nil {
		b.Username = a.Username
		b.CSRF = h.comm.csrf.Token(r)
		return
	}
	if r.URL.Path != "/login" && r.URL.Path != "/signup" && r.Method == http.MethodGet {
		b.LoginHref = loginHref(r.URL.RequestURI())
	} else {
		b.LoginHref = "/login"
	}
}

// Link is a labelled URL; an empty Href means the link is disabled.
type Link struct {
	Label  string
	Href   string
	Active bool
}

// base fills in the layout's fields. The site name is appended to title.
func (h *Handler) base(title, description, nav string) BasePage {
	full := "Quire"
	if title != "" {
		full = title + " · Quire"
	}
	return BasePage{
		PageTitle:   full,
		Description: description,
		Nav:         nav,
		WeekHref:    "/papers/week",
		MonthHref:   "/papers/month",
	}
}

// dateLayout is how pages show days: "Jun 16, 2025".
const dateLayout = "Jan 2, 2006"

func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(dateLayout)
}

// plural returns "1 author", "12 authors".
func plural(n int, noun string) string {
	s := strconv.Itoa(n) + " " + noun
	if n != 1 {
		s += "s"
	}
	return s
}

// snippet shortens s to at most max bytes, cutting at a word boundary.
func snippet(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && s[cut] != ' ' {
		cut--
	}
	if cut == 0 {
		cut = max
		// Do not split a UTF-8 sequence.
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
	}
	return strings.TrimRight(s[:cut], " ,;:") + "…"
}
