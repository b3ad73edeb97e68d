package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"quire"
)

var commentIDRE = regexp.MustCompile(`#comment-(\d+)$`)

// mustComment posts a comment (a reply when parent is set) and returns its
// id, from the redirect to it.
func mustComment(tb testing.TB, b *browser, paper, parent, body string) string {
	tb.Helper()
	form := url.Values{"body": {body}}
	if parent != "" {
		form.Set("parent", parent)
	}
	r := b.Submit("/papers/"+paper, "/papers/"+paper+"/comments", form)
	m := commentIDRE.FindStringSubmatch(r.header.Get("Location"))
	if r.status != http.StatusSeeOther || m == nil {
		tb.Fatalf("comment: %d to %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	return m[1]
}

// commentHTML returns the article of comment id on the page.
func commentHTML(tb testing.TB, body, id string) string {
	tb.Helper()
	_, after, ok := strings.Cut(body, `<article class="comment" id="comment-`+id+`">`)
	if !ok {
		tb.Fatalf("comment %s is not on the page", id)
	}
	end := strings.Index(after, `<div class="replies">`)
	if e := strings.Index(after, "</article>"); end < 0 || e < end {
		end = e
	}
	return after[:end]
}

func TestComments(t *testing.T) {
	srv := mustCommunityFixture(t)
	paper := "/papers/" + votePaper
	anon := srv.NewBrowser(t)
	page := anon.Get(paper).body
	if !strings.Contains(page, `Log in</a> to comment.`) {
		t.Error("visitors are not invited to log in to comment")
	}
	before := regexp.MustCompile(`Comments <span class="muted">· (\d+ comments?)</span>`).FindStringSubmatch(page)
	if before == nil {
		t.Fatal("no comment count on the paper page")
	}

	ada, bob, mod := srv.NewBrowser(t), srv.NewBrowser(t), srv.NewBrowser(t)
	ada.MustSignUp("ada")
	bob.MustSignUp("bob")
	mod.MustSignUp("mod")
	m, err := srv.db.FindAccountByUsername(t.Context(), "mod")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.db.SetAccountRole(t.Context(), m.ID, quire.RoleModerator, quire.Moderation{Reason: "test"}); err != nil {
		t.Fatal(err)
	}

	// Markdown is rendered; markup and scripts are neutralised.
	first := mustComment(t, ada, votePaper, "", "Nice **result**. <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>")
	page = anon.Get(paper).body
	got := commentHTML(t, page, first)
	if !strings.Contains(got, "<strong>result</strong>") || !strings.Contains(got, "<strong>ada</strong>") {
		t.Errorf("comment not rendered:\n%s", got)
	}
	for _, bad := range []string{"<script", "javascript:", "<img"} {
		if strings.Contains(got, bad) {
			t.Errorf("comment holds %q:\n%s", bad, got)
		}
	}
	if strings.Contains(page, before[0]) {
		t.Errorf("comment count still %q", before[1])
	}

	reply := mustComment(t, bob, votePaper, first, "I agree.")
	page = anon.Get(paper).body
	if !strings.Contains(page, `<div class="replies"><article class="comment" id="comment-`+reply+`">`) {
		t.Error("the reply is not nested under its parent")
	}

	// Only the author edits or deletes; only moderators hide.
	checkPage(t, bob.Submit(paper, "/comments/"+first+"/edit", url.Values{"body": {"mine now"}}), http.StatusForbidden)
	checkPage(t, bob.Submit(paper, "/comments/"+first+"/delete", nil), http.StatusForbidden)
	checkPage(t, bob.Submit(paper, "/comments/"+first+"/hide", nil), http.StatusForbidden, "Only moderators")
	checkPage(t, ada.Submit(paper, "/papers/"+votePaper+"/comments", url.Values{"body": {"  \n "}}), http.StatusBadRequest, "A comment cannot be empty.")
	checkPage(t, ada.Submit(paper, "/comments/999999/edit", url.Values{"body": {"x"}}), http.StatusNotFound)

	if r := ada.Submit(paper, "/comments/"+first+"/edit", url.Values{"body": {"Nice result, *revised*."}}); r.status != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", r.status, r.body)
	}
	got = commentHTML(t, anon.Get(paper).body, first)
	if !strings.Contains(got, "<em>revised</em>") || !strings.Contains(got, "edited") {
		t.Errorf("edited comment:\n%s", got)
	}

	// A moderator hides the reply: readers see that it was hidden, the
	// moderator still sees the text, and the audit log has it.
	if r := mod.Submit(paper, "/comments/"+reply+"/hide", url.Values{"hidden": {"1"}, "reason": {"off topic"}}); r.status != http.StatusSeeOther {
		t.Fatalf("hide: %d\n%s", r.status, r.body)
	}
	got = commentHTML(t, anon.Get(paper).body, reply)
	if !strings.Contains(got, "hidden by a moderator") || strings.Contains(got, "I agree.") {
		t.Errorf("hidden comment as visitors see it:\n%s", got)
	}
	got = commentHTML(t, mod.Get(paper).body, reply)
	if !strings.Contains(got, "hidden by a moderator") || !strings.Contains(got, "I agree.") || !strings.Contains(got, ">Show</button>") {
		t.Errorf("hidden comment as moderators see it:\n%s", got)
	}
	audit, err := srv.db.ListAudit(t.Context(), 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	var logged bool
	for _, e := range audit {
		if e.Action == quire.ActionHide && e.TargetKind == quire.TargetComment && e.TargetID == reply && e.Reason == "off topic" && e.Actor == "mod" {
			logged = true
		}
	}
	if !logged {
		t.Errorf("the audit log has no entry for hiding comment %s", reply)
	}

	// The author deletes the first comment; its reply keeps its place.
	if r := ada.Submit(paper, "/comments/"+first+"/delete", nil); r.status != http.StatusSeeOther {
		t.Fatalf("delete: %d\n%s", r.status, r.body)
	}
	page = anon.Get(paper).body
	if got := commentHTML(t, page, first); !strings.Contains(got, "deleted") || strings.Contains(got, "revised") {
		t.Errorf("deleted comment:\n%s", got)
	}
	commentHTML(t, page, reply)
	if !strings.Contains(page, before[0]) {
		t.Errorf("with both comments gone the count is not back to %q", before[1])
	}
}

func TestCommentLimit(t *testing.T) {
	srv := mustCommunityFixture(t)
	b := srv.NewBrowser(t)
	b.MustSignUp("ada")
	token := b.Token("/papers/" + votePaper)
	var last response
	for i := range 12 {
		last = b.Post("/papers/"+votePaper+"/comments", url.Values{"csrf_token": {token}, "body": {"comment " + string(rune('a'+i))}})
		if last.status == http.StatusTooManyRequests {
			break
		}
	}
	checkPage(t, last, http.StatusTooManyRequests, "Too many requests")
	if last.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
}
