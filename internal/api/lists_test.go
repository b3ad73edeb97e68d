package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire/internal/api"
)

func TestReadingLists(t *testing.T) {
	db := MustOpenStore(t)
	MustImport(t, db, "../../testdata/hf/daily_papers_2025-06-16.json")
	c := newClock(testNow)
	srv := newWriteServer(t, db, c, api.Options{})
	alice := MustAccount(t, db, "alice", testNow.Add(-48*time.Hour))
	tok, _ := MustToken(t, db, alice)
	bob := MustAccount(t, db, "bob", testNow.Add(-48*time.Hour))
	bobTok, _ := MustToken(t, db, bob)

	wantError(t, MustSend(t, srv, "POST", "/api/lists", "", `{"name": "x"}`), http.StatusUnauthorized, "API token")
	r := MustSend(t, srv, "POST", "/api/lists", tok, `{"name": " Agents ", "description": "Friday"}`)
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var l api.ReadingList
	MustDecode(t, r, &l)
	if l.Name != "Agents" || l.Owner != "alice" || l.Public || l.ID == 0 {
		t.Errorf("created list = %+v", l)
	}
	wantError(t, MustSend(t, srv, "POST", "/api/lists", tok, `{"name": "agents"}`), http.StatusConflict, "already have a list")
	wantError(t, MustSend(t, srv, "POST", "/api/lists", tok, `{"name": ""}`), http.StatusBadRequest, "A list needs a name.")
	wantError(t, MustSend(t, srv, "POST", "/api/lists", tok, `{"name": "x", "colour": "red"}`), http.StatusBadRequest, "unknown field")

	base := "/api/lists/" + strconv.FormatInt(l.ID, 10)
	r = MustSend(t, srv, "POST", base+"/papers", tok, `{"ids": ["2506.11924", "https://arxiv.org/abs/2506.10892v2", "2506.11924"]}`)
	if r.status != http.StatusOK || strings.TrimSpace(string(r.body)) != `{"added":2}` {
		t.Fatalf("save: %d %s", r.status, r.body)
	}
	wantError(t, MustSend(t, srv, "POST", base+"/papers", tok, `{"ids": ["2501.99999"]}`), http.StatusNotFound, "2501.99999 is not in the catalogue")
	wantError(t, MustSend(t, srv, "POST", base+"/papers", tok, `{"ids": ["nonsense"]}`), http.StatusBadRequest, "not an arXiv identifier")
	if r := MustSend(t, srv, "POST", base+"/note", tok, `{"paper": "2506.11924", "note": "<i>Key</i> result"}`); r.status != http.StatusNoContent {
		t.Fatalf("note: %d %s", r.status, r.body)
	}
	if r := MustSend(t, srv, "POST", base+"/read", tok, `{"paper": "2506.10892", "read": true}`); r.status != http.StatusNoContent {
		t.Fatalf("read: %d %s", r.status, r.body)
	}
	wantError(t, MustSend(t, srv, "POST", base+"/read", tok, `{"paper": "2506.10892"}`), http.StatusBadRequest, "read: true or false")
	wantError(t, MustSend(t, srv, "POST", base+"/note", tok, `{"paper": "2506.08592", "note": "x"}`), http.StatusNotFound, "not on the list")

	// Private: 404 for others, with or without a token.
	for _, token := range []string{"", bobTok} {
		wantError(t, MustSend(t, srv, "GET", base, token, ""), http.StatusNotFound, "no such reading list")
		wantError(t, MustSend(t, srv, "GET", base+"/export", token, ""), http.StatusNotFound, "no such reading list")
	}
	wantError(t, MustSend(t, srv, "POST", base+"/note", bobTok, `{"paper": "2506.11924", "note": "mine"}`), http.StatusNotFound, "no such reading list")
	// A bad token is refused before the list is looked up: the answer is
	// the same for this private list and for one that does not exist.
	for _, path := range []string{base, "/api/lists/99999"} {
		if r := MustSend(t, srv, "GET", path, "not-a-token", ""); r.status != http.StatusUnauthorized {
			t.Errorf("GET %s with a bad token: %d, want 401", path, r.status)
		}
	}

	r = MustSend(t, srv, "GET", base, tok, "")
	var got api.ReadingList
	MustDecode(t, r, &got)
	type row struct {
		ID, Note string
		Read     bool
	}
	var rows []row
	for _, p := range got.Papers {
		rows = append(rows, row{p.ID, p.Note, p.Read})
		if p.Read != (p.ReadAt != nil) || p.Title == "" || len(p.Authors) == 0 {
			t.Errorf("paper %+v", p)
		}
	}
	// Saved at the same second: by id.
	if diff := cmp.Diff([]row{{"2506.10892", "", true}, {"2506.11924", "<i>Key</i> result", false}}, rows); diff != "" {
		t.Errorf("GET %s papers mismatch (-want +got):\n%s", base, diff)
	}

	// Public: anyone reads it and exports it.
	if r := MustSend(t, srv, "POST", base, tok, `{"name": "Agents", "public": true}`); r.status != http.StatusOK {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	if r := MustSend(t, srv, "GET", base, "", ""); r.status != http.StatusOK {
		t.Errorf("public list, no token: %d %s", r.status, r.body)
	}
	for format, want := range map[string]string{
		"":         "@misc{arXiv:2506.11924,",
		"ris":      "ID  - arXiv:2506.11924\r\n",
		"csl-json": `"id": "arXiv:2506.11924"`,
	} {
		r := MustSend(t, srv, "GET", base+"/export?format="+format, "", "")
		if r.status != http.StatusOK || !strings.Contains(string(r.body), want) {
			t.Errorf("export %q: %d, want %q in %s", format, r.status, want, r.body)
		}
	}
	wantError(t, MustSend(t, srv, "GET", base+"/export?format=docx", "", ""), http.StatusBadRequest, "format must be")

	// Import a BibTeX body.
	bib := "@misc{duo, eprint = {2506.10892}, archivePrefix = {arXiv}}\n" +
		"@misc{new, url = {https://arxiv.org/abs/2506.08592}}\n" +
		"@misc{gone, eprint = {2501.99999}}\n@book{knuth, title = {TeX}}\n"
	r = MustSend(t, srv, "POST", base+"/import", tok, bib)
	var res api.ImportResult
	MustDecode(t, r, &res)
	want := api.ImportResult{Entries: 4, Added: 1, Already: 1, Unknown: []string{"gone"}, NoID: []string{"knuth"}}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("import mismatch (-want +got):\n%s", diff)
	}
	wantError(t, MustSend(t, srv, "POST", base+"/import", tok, "@misc{k, title = {x"), http.StatusBadRequest, "BibTeX line 1")
	wantError(t, MustSend(t, srv, "POST", base+"/import", bobTok, bib), http.StatusNotFound, "no such reading list")

	r = MustSend(t, srv, "GET", "/api/lists", tok, "")
	var mine []api.ReadingList
	MustDecode(t, r, &mine)
	if len(mine) != 1 || mine[0].NumPapers != 3 || !mine[0].Public {
		t.Errorf("GET /api/lists = %+v", mine)
	}
	if r := MustSend(t, srv, "POST", base+"/remove", tok, `{"paper": "2506.08592"}`); r.status != http.StatusNoContent {
		t.Errorf("remove: %d %s", r.status, r.body)
	}
	wantError(t, MustSend(t, srv, "POST", base+"/delete", bobTok, ""), http.StatusNotFound, "no such reading list")
	if r := MustSend(t, srv, "POST", base+"/delete", tok, ""); r.status != http.StatusNoContent {
		t.Errorf("delete: %d %s", r.status, r.body)
	}
	wantError(t, MustSend(t, srv, "GET", base, tok, ""), http.StatusNotFound, "no such reading list")
	wantError(t, MustSend(t, srv, "GET", "/api/lists/abc", tok, ""), http.StatusNotFound, "no such reading list")
}
