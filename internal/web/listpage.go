package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"

	"quire"
	"quire/internal/citation"
	"quire/internal/feed"
)

// ReadingListPage is the data of readinglist.html: one list, with its
// owner's controls when the owner reads it.
type ReadingListPage struct {
	BasePage
	List ListRow
	// Own is set for the owner, who gets the forms (with Token).
	Own   bool
	Token string
	Items []SavedRow
	// Exports are the download links; Feeds of a public list are its
	// feeds (shown on the page too).
	Exports   []Link
	FeedLinks []Link
	Error     string
	// Import reports the last BibTeX import.
	Import *ImportReport
}

// SavedRow is one paper of a list.
type SavedRow struct {
	ID      string
	Anchor  string
	Href    string
	Title   string
	Authors string
	// NoteLines are the note's lines: notes are plain text, and the
	// template escapes each line.
	Note      string
	NoteLines []string
	Read      bool
	Saved     string
	Withdrawn bool
}

// ImportReport says what a BibTeX import did.
type ImportReport struct {
	Entries, Added, Already int
	// Unknown are the keys of entries whose paper the catalogue lacks;
	// NoID of those naming neither an arXiv id nor a DOI.
	Unknown []string
	NoID    []string
}

// show serves GET /lists/{lid}.
func (lp *listPages) show(w http.ResponseWriter, r *http.Request) error {
	l, own, err := lp.findList(r)
	if err != nil {
		return err
	}
	return lp.renderList(w, r, http.StatusOK, l, own, &ReadingListPage{})
}

func (lp *listPages) renderList(w http.ResponseWriter, r *http.Request, status int, l *quire.ReadingList, own bool, page *ReadingListPage) error {
	saved, err := lp.store.FindSavedPapers(r.Context(), l.ID)
	if err != nil {
		return err
	}
	l.Count = len(saved)
	page.BasePage = lp.h.base(l.Name, l.Description, "")
	page.List, page.Own = newListRow(l), own
	if own {
		page.Token = lp.h.comm.csrf.Token(r)
	}
	for _, sp := range saved {
		page.Items = append(page.Items, SavedRow{
			ID: sp.PaperID, Anchor: savedAnchor(sp.PaperID), Href: paperPath(sp.PaperID),
			Title: quire.OneLine(sp.Paper.Title), Authors: authorLine(sp.Paper.Authors),
			Note: sp.Note, NoteLines: noteLines(sp.Note), Read: sp.Read(), Saved: formatDate(sp.SavedAt),
			Withdrawn: sp.Paper.Withdrawn(),
		})
	}
	base := listPath(l.ID)
	for _, ex := range exportFormats {
		page.Exports = append(page.Exports, Link{Label: ex.label, Href: base + "/export." + ex.ext})
	}
	if l.Public {
		for _, ff := range feedFormats {
			page.FeedLinks = append(page.FeedLinks, Link{Label: ff.label, Href: base + "/feed." + ff.ext})
		}
	}
	return lp.h.render(w, r, status, "readinglist.html", page)
}

// authorLine shows up to four authors, then "et al.".
func authorLine(authors []string) string {
	if len(authors) > 4 {
		return strings.Join(authors[:4], ", ") + " et al."
	}
	return strings.Join(authors, ", ")
}

func noteLines(note string) []string {
	if note == "" {
		return nil
	}
	return strings.Split(note, "\n")
}

// maxImportBytes bounds an imported BibTeX file; the server's body limit
// may be lower.
const maxImportBytes = 1 << 20

// importBibTeX serves POST /lists/{lid}/import: the papers of the file
// (field "file", or the text of field "bibtex") that the catalogue holds,
// found by arXiv id or DOI, join the list; the page then reports the
// entries it could not add, by key.
func (lp *listPages) importBibTeX(w http.ResponseWriter, r *http.Request) error {
	l, a, err := lp.ownList(r)
	if err != nil {
		return err
	}
	data := []byte(r.PostFormValue("bibtex"))
	if f, _, err := r.FormFile("file"); err == nil {
		defer f.Close()
		data, err = io.ReadAll(io.LimitReader(f, maxImportBytes+1))
		if err != nil {
			return err
		}
	}
	if len(data) > maxImportBytes {
		return quire.Invalidf("A BibTeX file can be at most %d bytes long.", maxImportBytes)
	}
	rep, err := lp.importEntries(r, l.ID, a.ID, data)
	if msg := quire.UserMessage(err); msg != "" {
		return lp.renderList(w, r, statusOf(err), l, true, &ReadingListPage{Error: msg})
	}
	if err != nil {
		return err
	}
	return lp.renderList(w, r, http.StatusOK, l, true, &ReadingListPage{Import: rep})
}

// importEntries parses a BibTeX file and saves the papers it names.
func (lp *listPages) importEntries(r *http.Request, listID, accountID int64, data []byte) (*ImportReport, error) {
	entries, err := citation.ParseBibTeX(data)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	res, err := citation.Resolve(ctx, catalogue{lp.h.store, lp.store}, entries)
	if err != nil {
		return nil, err
	}
	added, err := lp.store.SavePapers(ctx, listID, accountID, res.PaperIDs, lp.h.now())
	if err != nil {
		return nil, err
	}
	return &ImportReport{Entries: len(entries), Added: added, Already: len(res.PaperIDs) - added,
		Unknown: res.Unknown, NoID: res.NoID}, nil
}

// catalogue joins the two stores citation.Resolve reads.
type catalogue struct {
	Store
	quire.ReadingListStore
}

// exportFormat is one of the citation formats a list exports to.
type exportFormat struct {
	ext, label, contentType string
	write                   func(io.Writer, []citation.Record) error
}

var exportFormats = []exportFormat{
	{"bib", "BibTeX", "application/x-bibtex; charset=utf-8", citation.WriteBibTeX},
	{"ris", "RIS", "application/x-research-info-systems; charset=utf-8", citation.WriteRIS},
	{"json", "CSL-JSON", "application/vnd.citationstyles.csl+json; charset=utf-8", citation.WriteCSLJSON},
}

// export serves GET /lists/{lid}/export.{bib,ris,json}, with the owner's
// notes.
func (lp *listPages) export(ex exportFormat) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		l, own, err := lp.findList(r)
		if err != nil {
			return err
		}
		saved, err := lp.store.FindSavedPapers(r.Context(), l.ID)
		if err != nil {
			return err
		}
		recs := make([]citation.Record, len(saved))
		for i, sp := range saved {
			recs[i] = citation.Record{Paper: sp.Paper, Note: sp.Note}
		}
		var buf bytes.Buffer
		if err := ex.write(&buf, recs); err != nil {
			return err
		}
		if own {
			privateNoStore(w)
		}
		hd := w.Header()
		hd.Set("Content-Type", ex.contentType)
		hd.Set("Content-Disposition", `attachment; filename="`+exportName(l.ID)+"."+ex.ext+`"`)
		w.Write(buf.Bytes())
		return nil
	}
}

func exportName(id int64) string {
	return strings.TrimPrefix(listPath(id), "/lists/") + "-reading-list"
}

// feed serves GET /lists/{lid}/feed.{atom,rss} of a public list: its
// papers, most recently saved first, each dated when it was saved (so a
// reader learns of new papers on the list), with the owner's note. Lists
// change at their owner's hand, so their feeds are not cached: a list
// made private leaves at once.
func (lp *listPages) feed(ff feedFormat) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		l, _, err := lp.findList(r)
		if err != nil {
			return err
		}
		if !l.Public {
			return quire.ErrNoList // the owner's private list has no feed
		}
		saved, err := lp.store.FindSavedPapers(r.Context(), l.ID)
		if err != nil {
			return err
		}
		f := newFeed(r, l.Name, l.Description, listPath(l.ID))
		f.Author = l.Owner
		f.Updated = l.UpdatedAt
		for i, sp := range saved {
			if i == feed.MaxEntries {
				break
			}
			e := paperEntry(sp.Paper, "")
			if sp.Note != "" {
				e.Summary = sp.Note
			}
			e.Published, e.Updated = sp.SavedAt, sp.SavedAt
			f.Entries = append(f.Entries, e)
		}
		absolutize(f, lp.h.origin(r))
		var buf bytes.Buffer
		if err := ff.write(&buf, f); err != nil {
			return err
		}
		sum := sha256.Sum256(buf.Bytes())
		w.Header().Set("Content-Type", ff.contentType)
		w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
		http.ServeContent(w, r, "", l.UpdatedAt, bytes.NewReader(buf.Bytes()))
		return nil
	}
}
