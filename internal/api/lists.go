package api

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"quire"
	"quire/internal/arxiv"
	"quire/internal/auth"
	"quire/internal/citation"
)

// Reading lists. Reads of a public list need no token; everything else is
// for the token's account, whose private lists do not exist for others
// (404). Writes are POSTs with a JSON body, except import, whose body is
// the BibTeX file itself.
//
//	GET  /api/lists                   the token's account's lists
//	POST /api/lists                   create one: {"name", "description", "public"}
//	GET  /api/lists/{lid}             a list with its papers
//	POST /api/lists/{lid}             rename, describe, make public or private
//	POST /api/lists/{lid}/papers      save papers: {"ids": ["2406.01234", …]}
//	POST /api/lists/{lid}/note        {"paper", "note"}
//	POST /api/lists/{lid}/read        {"paper", "read"}
//	POST /api/lists/{lid}/remove      {"paper"}
//	POST /api/lists/{lid}/delete      delete the list
//	POST /api/lists/{lid}/import      add the papers of a BibTeX body
//	GET  /api/lists/{lid}/export?format=bibtex|ris|csl-json

// ReadingList is a reading list as the API shows it.
type ReadingList struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Owner       string    `json:"owner"`
	Public      bool      `json:"public"`
	NumPapers   int       `json:"numPapers"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
	// Papers are filled by GET /api/lists/{lid} only.
	Papers []SavedPaper `json:"papers,omitempty"`
}

// SavedPaper is one paper of a list.
type SavedPaper struct {
	ID      string     `json:"id"`
	Title   string     `json:"title"`
	Authors []string   `json:"authors"`
	Note    string     `json:"note"`
	Read    bool       `json:"read"`
	ReadAt  *time.Time `json:"readAt,omitempty"`
	SavedAt time.Time  `json:"savedAt"`
}

// ImportResult is the answer to POST /api/lists/{lid}/import.
type ImportResult struct {
	Entries int `json:"entries"`
	Added   int `json:"added"`
	Already int `json:"already"`
	// Unknown are the keys of entries whose paper the catalogue lacks;
	// NoID of entries with neither an arXiv id nor a DOI.
	Unknown []string `json:"unknown"`
	NoID    []string `json:"noId"`
}

func newReadingList(l *quire.ReadingList) ReadingList {
	return ReadingList{ID: l.ID, Name: l.Name, Description: l.Description, Owner: l.Owner, Public: l.Public,
		NumPapers: l.Count, CreatedAt: l.CreatedAt, UpdatedAt: l.UpdatedAt}
}

// listAPI serves the reading-list endpoints.
type listAPI struct {
	h     *Handler
	store quire.ReadingListStore
	limit *auth.CounterLimiter
}

// listRoutes registers the reading-list endpoints when the store keeps
// lists.
func (h *Handler) listRoutes() {
	ls, ok := h.store.(quire.ReadingListStore)
	if !ok {
		return
	}
	a := &listAPI{h: h, store: ls,
		limit: &auth.CounterLimiter{Counter: h.store, Name: "api-list", Limit: 120, Window: time.Minute, Now: h.now}}
	h.handle("GET /api/lists", a.index)
	h.handle("POST /api/lists", a.create)
	h.handle("GET /api/lists/{lid}", a.show)
	h.handle("POST /api/lists/{lid}", a.update)
	h.handle("POST /api/lists/{lid}/papers", a.save)
	h.handle("POST /api/lists/{lid}/note", a.note)
	h.handle("POST /api/lists/{lid}/read", a.read)
	h.handle("POST /api/lists/{lid}/remove", a.remove)
	h.handle("POST /api/lists/{lid}/delete", a.delete)
	h.handle("POST /api/lists/{lid}/import", a.importBibTeX)
	h.handle("GET /api/lists/{lid}/export", a.export)
}

// writer authenticates a write and counts it against the account's limit.
func (a *listAPI) writer(r *http.Request) (*quire.Account, error) {
	_, acct, err := a.h.authenticate(r)
	if err != nil {
		return nil, err
	}
	if err := a.h.limit(r.Context(), a.limit, acct); err != nil {
		return nil, err
	}
	return acct, nil
}

// listID is the path's list id; a malformed one names no list.
func listID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("lid"), 10, 64)
	if err != nil || id <= 0 {
		return 0, quire.ErrNoList
	}
	return id, nil
}

// listWrite authorises a write by the request's token, reads the path's
// list id and decodes the JSON body into a T: the start of every write on
// one list.
func listWrite[T any](a *listAPI, w http.ResponseWriter, r *http.Request) (acct *quire.Account, id int64, req T, err error) {
	if acct, err = a.writer(r); err != nil {
		return nil, 0, req, err
	}
	if id, err = listID(r); err != nil {
		return nil, 0, req, err
	}
	err = decodeBody(w, r, &req)
	return acct, id, req, err
}

// readable returns the path's list when it is public or the request's
// token owns it. A token is only checked when one is sent, and before the
// list is looked up, so that a bad token is refused alike for every list
// and cannot tell a private list from a missing one.
func (a *listAPI) readable(r *http.Request) (*quire.ReadingList, error) {
	id, err := listID(r)
	if err != nil {
		return nil, err
	}
	var acct *quire.Account
	if _, ok := auth.BearerToken(r); ok {
		if _, acct, err = a.h.authenticate(r); err != nil {
			return nil, err
		}
	}
	l, err := a.store.FindList(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if l.Public || (acct != nil && acct.ID == l.AccountID) {
		return l, nil
	}
	return nil, quire.ErrNoList
}

// index serves GET /api/lists.
func (a *listAPI) index(w http.ResponseWriter, r *http.Request) error {
	_, acct, err := a.h.authenticate(r)
	if err != nil {
		return err
	}
	lists, err := a.store.FindListsByAccount(r.Context(), acct.ID, false)
	if err != nil {
		return err
	}
	out := make([]ReadingList, len(lists))
	for i, l := range lists {
		out[i] = newReadingList(l)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// listRequest is the body of POST /api/lists and POST /api/lists/{lid}.
type listRequest struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Public      bool   `json:"public"`
}

// create serves POST /api/lists and answers 201 with the list.
func (a *listAPI) create(w http.ResponseWriter, r *http.Request) error {
	acct, err := a.writer(r)
	if err != nil {
		return err
	}
	var req listRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	l, err := a.store.CreateList(r.Context(), &quire.ReadingList{AccountID: acct.ID, Name: req.Name,
		Description: req.Description, Public: req.Public})
	if err != nil {
		return listRefusal(err)
	}
	writeJSON(w, http.StatusCreated, newReadingList(l))
	return nil
}

// show serves GET /api/lists/{lid}.
func (a *listAPI) show(w http.ResponseWriter, r *http.Request) error {
	l, err := a.readable(r)
	if err != nil {
		return err
	}
	saved, err := a.store.FindSavedPapers(r.Context(), l.ID)
	if err != nil {
		return err
	}
	out := newReadingList(l)
	out.Papers = make([]SavedPaper, len(saved))
	for i, sp := range saved {
		p := SavedPaper{ID: sp.PaperID, Title: quire.OneLine(sp.Paper.Title), Authors: sp.Paper.Authors,
			Note: sp.Note, Read: sp.Read(), SavedAt: sp.SavedAt}
		if p.Authors == nil {
			p.Authors = []string{}
		}
		if sp.Read() {
			at := sp.ReadAt
			p.ReadAt = &at
		}
		out.Papers[i] = p
	}
	out.NumPapers = len(saved)
	writeJSON(w, http.StatusOK, out)
	return nil
}

// update serves POST /api/lists/{lid}.
func (a *listAPI) update(w http.ResponseWriter, r *http.Request) error {
	acct, id, req, err := listWrite[listRequest](a, w, r)
	if err != nil {
		return err
	}
	l, err := a.store.UpdateList(r.Context(), &quire.ReadingList{ID: id, AccountID: acct.ID, Name: req.Name,
		Description: req.Description, Public: req.Public})
	if err != nil {
		return listRefusal(err)
	}
	writeJSON(w, http.StatusOK, newReadingList(l))
	return nil
}

// saveRequest is the body of POST /api/lists/{lid}/papers.
type saveRequest struct {
	IDs []string `json:"ids"`
}

// save serves POST /api/lists/{lid}/papers and answers with how many of
// the papers were new to the list.
func (a *listAPI) save(w http.ResponseWriter, r *http.Request) error {
	acct, id, req, err := listWrite[saveRequest](a, w, r)
	if err != nil {
		return err
	}
	ids := make([]string, len(req.IDs))
	for i, raw := range req.IDs {
		if ids[i], _, err = arxiv.ParseID(raw); err != nil {
			return err
		}
	}
	added, err := a.store.SavePapers(r.Context(), id, acct.ID, ids, a.h.now())
	if err != nil {
		return listRefusal(err)
	}
	writeJSON(w, http.StatusOK, map[string]int{"added": added})
	return nil
}

// paperRequest is the body of note, read and remove.
type paperRequest struct {
	Paper string  `json:"paper"`
	Note  *string `json:"note"`
	Read  *bool   `json:"read"`
}

// changeSaved decodes a paperRequest and applies change to its paper.
func (a *listAPI) changeSaved(w http.ResponseWriter, r *http.Request,
	change func(listID, accountID int64, paperID string, req paperRequest) error) error {
	acct, lid, req, err := listWrite[paperRequest](a, w, r)
	if err != nil {
		return err
	}
	pid, _, err := arxiv.ParseID(req.Paper)
	if err != nil {
		return err
	}
	if err := change(lid, acct.ID, pid, req); err != nil {
		return listRefusal(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// note serves POST /api/lists/{lid}/note.
func (a *listAPI) note(w http.ResponseWriter, r *http.Request) error {
	return a.changeSaved(w, r, func(lid, aid int64, pid string, req paperRequest) error {
		if req.Note == nil {
			return quire.Invalidf("The request needs a note (\"\" removes it).")
		}
		return a.store.SetSavedNote(r.Context(), lid, aid, pid, *req.Note)
	})
}

// read serves POST /api/lists/{lid}/read.
func (a *listAPI) read(w http.ResponseWriter, r *http.Request) error {
	return a.changeSaved(w, r, func(lid, aid int64, pid string, req paperRequest) error {
		if req.Read == nil {
			return quire.Invalidf("The request needs read: true or false.")
		}
		return a.store.SetSavedRead(r.Context(), lid, aid, pid, *req.Read, a.h.now())
	})
}

// remove serves POST /api/lists/{lid}/remove.
func (a *listAPI) remove(w http.ResponseWriter, r *http.Request) error {
	return a.changeSaved(w, r, func(lid, aid int64, pid string, _ paperRequest) error {
		return a.store.RemovePaper(r.Context(), lid, aid, pid)
	})
}

// delete serves POST /api/lists/{lid}/delete.
func (a *listAPI) delete(w http.ResponseWriter, r *http.Request) error {
	acct, err := a.writer(r)
	if err != nil {
		return err
	}
	id, err := listID(r)
	if err != nil {
		return err
	}
	if err := a.store.DeleteList(r.Context(), id, acct.ID); err != nil {
		return listRefusal(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// maxImportBytes bounds an imported BibTeX body.
const maxImportBytes = 1 << 20

// importBibTeX serves POST /api/lists/{lid}/import: the body is a BibTeX
// file; its entries that name a catalogue paper (by arXiv id or DOI) join
// the list, and the others come back by key.
func (a *listAPI) importBibTeX(w http.ResponseWriter, r *http.Request) error {
	acct, err := a.writer(r)
	if err != nil {
		return err
	}
	id, err := listID(r)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxImportBytes))
	if tooLarge := (*http.MaxBytesError)(nil); errors.As(err, &tooLarge) {
		return &apiError{status: http.StatusRequestEntityTooLarge, err: err, msg: "A BibTeX body can be at most 1 MiB."}
	}
	if err != nil {
		return err
	}
	entries, err := citation.ParseBibTeX(data)
	if err != nil {
		return err
	}
	ctx := r.Context()
	// The list is checked before the catalogue is searched, so that an
	// unknown list answers 404 whatever the file holds.
	if err := a.owns(r, id, acct.ID); err != nil {
		return err
	}
	res, err := citation.Resolve(ctx, catalogue{a.h.store, a.store}, entries)
	if err != nil {
		return err
	}
	added, err := a.store.SavePapers(ctx, id, acct.ID, res.PaperIDs, a.h.now())
	if err != nil {
		return listRefusal(err)
	}
	out := ImportResult{Entries: len(entries), Added: added, Already: len(res.PaperIDs) - added,
		Unknown: res.Unknown, NoID: res.NoID}
	if out.Unknown == nil {
		out.Unknown = []string{}
	}
	if out.NoID == nil {
		out.NoID = []string{}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// owns returns quire.ErrNoList unless account accountID owns list id.
func (a *listAPI) owns(r *http.Request, id, accountID int64) error {
	l, err := a.store.FindList(r.Context(), id)
	if err != nil {
		return err
	}
	if l.AccountID != accountID {
		return quire.ErrNoList
	}
	return nil
}

// catalogue joins the two parts of the store citation.Resolve reads.
type catalogue struct {
	Store
	quire.ReadingListStore
}

// export serves GET /api/lists/{lid}/export?format=bibtex|ris|csl-json.
func (a *listAPI) export(w http.ResponseWriter, r *http.Request) error {
	type format struct {
		contentType string
		write       func(io.Writer, []citation.Record) error
	}
	formats := map[string]format{
		"bibtex":   {"application/x-bibtex; charset=utf-8", citation.WriteBibTeX},
		"ris":      {"application/x-research-info-systems; charset=utf-8", citation.WriteRIS},
		"csl-json": {"application/vnd.citationstyles.csl+json; charset=utf-8", citation.WriteCSLJSON},
	}
	name := r.URL.Query().Get("format")
	if name == "" {
		name = "bibtex"
	}
	f, ok := formats[name]
	if !ok {
		return quire.Invalidf("format must be bibtex, ris or csl-json, not %q", clip(name))
	}
	l, err := a.readable(r)
	if err != nil {
		return err
	}
	saved, err := a.store.FindSavedPapers(r.Context(), l.ID)
	if err != nil {
		return err
	}
	recs := make([]citation.Record, len(saved))
	for i, sp := range saved {
		recs[i] = citation.Record{Paper: sp.Paper, Note: sp.Note}
	}
	var buf bytes.Buffer
	if err := f.write(&buf, recs); err != nil {
		return err
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Write(buf.Bytes())
	return nil
}

// listRefusal is writeRefusal for list writes: an unknown list or paper
// keeps its own message.
func listRefusal(err error) error {
	if errors.Is(err, quire.ErrNotFound) {
		return err
	}
	return writeRefusal(err)
}
