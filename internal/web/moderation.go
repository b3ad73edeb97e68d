package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"quire"
	"quire/internal/arxiv"
)

// Moderation in the browser: moderators hide papers and submissions from
// the paper page, and disable accounts and read the audit log on
// /moderation. The store records every action in the audit log, in the
// same transaction.

// ModerationPage is the data of moderation.html.
type ModerationPage struct {
	BasePage
	CSRF   string
	Error  string
	Notice string
	Audit  []AuditRow
	// Next is the link to older entries of the log, if any.
	Next string
}

// AuditRow is one line of the audit log, with the form that undoes it
// when it can be undone.
type AuditRow struct {
	At, Actor, Action, Target, Reason string
	TargetHref                        string
	Undo                              *UndoForm
}

// UndoForm posts the opposite action.
type UndoForm struct {
	Action string
	Fields map[string]string
	Label  string
}

// PaperModeration is the moderators' part of a paper page.
type PaperModeration struct {
	CSRF   string
	Hidden bool
	// Entries are the daily lists that show the paper, each of which can
	// be hidden on its own.
	Entries []EntryModeration
}

// EntryModeration is one daily entry of a paper.
type EntryModeration struct {
	Day, Label, Submitter string
}

const auditPageSize = 50

func moderator(r *http.Request) (*quire.Account, error) {
	a := currentAccount(r)
	if !a.Role.CanModerate() {
		return nil, forbidden(quire.Unauthorizedf("Only moderators can do this."))
	}
	return a, nil
}

func (h *Handler) moderation(r *http.Request, a *quire.Account) quire.Moderation {
	return quire.Moderation{ActorID: a.ID, Reason: strings.TrimSpace(r.PostFormValue("reason")), At: h.now()}
}

// fillPaperModeration adds the moderators' controls to a paper page.
func (h *Handler) fillPaperModeration(r *http.Request, page *PaperPage, entries []*quire.DailyEntry) error {
	a := currentAccount(r)
	if a == nil || !a.Role.CanModerate() {
		return nil
	}
	hidden, err := h.comm.store.FindHiddenPapers(r.Context(), []string{page.ID})
	if err != nil {
		return err
	}
	m := &PaperModeration{CSRF: h.comm.csrf.Token(r)}
	_, m.Hidden = hidden[page.ID]
	for _, e := range entries {
		m.Entries = append(m.Entries, EntryModeration{
			Day: e.Day.UTC().Format(quire.DayLayout), Label: formatDate(e.Day), Submitter: e.Submitter.Name,
		})
	}
	page.Moderation = m
	return nil
}

// paperIDParam reads the paper of a moderation route in either form of
// arXiv id ("2506.10892", "hep-th/9901001").
func paperIDParam(r *http.Request) (string, error) {
	raw := r.PathValue("id")
	if raw == "" {
		raw = r.PathValue("archive") + "/" + r.PathValue("num")
	}
	id, _, err := arxiv.ParseID(raw)
	return id, err
}

// hidePaper serves POST /papers/{id}/hide: hidden=1 hides the paper from
// every list, hidden=0 shows it again.
func (h *Handler) hidePaper(w http.ResponseWriter, r *http.Request) error {
	a, err := moderator(r)
	if err != nil {
		return err
	}
	id, err := paperIDParam(r)
	if err != nil {
		return err
	}
	if err := h.comm.store.SetPaperHidden(r.Context(), id, r.PostFormValue("hidden") != "0", h.moderation(r, a)); err != nil {
		return refusal(err)
	}
	h.Purge()
	http.Redirect(w, r, returnPath(r, paperPath(id)), http.StatusSeeOther)
	return nil
}

// hideEntry serves POST /papers/{id}/entries/{day}/hide: one daily list
// stops (or, with hidden=0, starts again) showing the paper.
func (h *Handler) hideEntry(w http.ResponseWriter, r *http.Request) error {
	a, err := moderator(r)
	if err != nil {
		return err
	}
	id, err := paperIDParam(r)
	if err != nil {
		return err
	}
	day, err := time.Parse(quire.DayLayout, r.PathValue("day"))
	if err != nil {
		return quire.Invalidf("%q is not a day such as 2025-06-16.", r.PathValue("day"))
	}
	if err := h.comm.store.SetEntryHidden(r.Context(), day, id, r.PostFormValue("hidden") != "0", h.moderation(r, a)); err != nil {
		return refusal(err)
	}
	h.Purge()
	http.Redirect(w, r, returnPath(r, paperPath(id)), http.StatusSeeOther)
	return nil
}

// disableAccount serves POST /moderation/accounts: disabled=1 disables
// the named account (ending its sessions), disabled=0 enables it again.
// Moderators cannot disable themselves, nor an admin unless they are one.
func (h *Handler) disableAccount(w http.ResponseWriter, r *http.Request) error {
	a, err := moderator(r)
	if err != nil {
		return err
	}
	fail := func(status int, msg string) error {
		page, err := h.moderationPage(r, 0)
		if err != nil {
			return err
		}
		page.Error = msg
		return h.render(w, r, status, "moderation.html", page)
	}
	name := strings.TrimSpace(r.PostFormValue("username"))
	target, err := h.comm.store.FindAccountByUsername(r.Context(), name)
	if errors.Is(err, quire.ErrNotFound) || errors.Is(err, quire.ErrInvalid) {
		return fail(http.StatusNotFound, "There is no account "+strconv.Quote(name)+".")
	}
	if err != nil {
		return err
	}
	disable := r.PostFormValue("disabled") != "0"
	switch {
	case target.ID == a.ID:
		return fail(http.StatusBadRequest, "You cannot disable your own account.")
	case target.Role == quire.RoleAdmin && a.Role != quire.RoleAdmin:
		return fail(http.StatusForbidden, "Only an admin can disable or enable an admin.")
	}
	if err := h.comm.store.SetAccountDisabled(r.Context(), target.ID, disable, h.moderation(r, a)); err != nil {
		return refusal(err)
	}
	h.Purge()
	http.Redirect(w, r, "/moderation?done="+map[bool]string{true: "disabled", false: "enabled"}[disable], http.StatusSeeOther)
	return nil
}

// moderationView serves GET /moderation: the account form and the audit
// log, newest first.
func (h *Handler) moderationView(w http.ResponseWriter, r *http.Request) error {
	if _, err := moderator(r); err != nil {
		return err
	}
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	page, err := h.moderationPage(r, max(offset, 0))
	if err != nil {
		return err
	}
	switch r.URL.Query().Get("done") {
	case "disabled":
		page.Notice = "The account is disabled and its sessions have ended."
	case "enabled":
		page.Notice = "The account is enabled again."
	}
	return h.render(w, r, http.StatusOK, "moderation.html", page)
}

func (h *Handler) moderationPage(r *http.Request, offset int) (*ModerationPage, error) {
	ctx := r.Context()
	// One more than a page tells whether there is a next one.
	log, err := h.comm.store.ListAudit(ctx, auditPageSize+1, offset)
	if err != nil {
		return nil, err
	}
	page := &ModerationPage{BasePage: h.base("Moderation", "", ""), CSRF: h.comm.csrf.Token(r)}
	if len(log) > auditPageSize {
		log = log[:auditPageSize]
		page.Next = "/moderation?offset=" + strconv.Itoa(offset+auditPageSize)
	}
	names := map[string]string{}
	for _, e := range log {
		row := AuditRow{At: e.At.UTC().Format("2006-01-02 15:04"), Actor: e.Actor, Action: e.Action, Target: e.TargetKind + " " + e.TargetID, Reason: e.Reason}
		if row.Actor == "" {
			row.Actor = "operator"
		}
		switch e.TargetKind {
		case quire.TargetPaper:
			row.TargetHref = paperPath(e.TargetID)
			if e.Action == quire.ActionHide {
				row.Undo = &UndoForm{Action: paperPath(e.TargetID) + "/hide", Fields: map[string]string{"hidden": "0", "return": "/moderation"}, Label: "Show again"}
			}
		case quire.TargetEntry:
			if day, id, ok := strings.Cut(e.TargetID, "/"); ok {
				row.TargetHref = paperPath(id)
				if e.Action == quire.ActionHide {
					row.Undo = &UndoForm{Action: paperPath(id) + "/entries/" + day + "/hide", Fields: map[string]string{"hidden": "0", "return": "/moderation"}, Label: "Show again"}
				}
			}
		case quire.TargetAccount:
			name, ok := names[e.TargetID]
			if !ok {
				if id, err := strconv.ParseInt(e.TargetID, 10, 64); err == nil {
					if acc, err := h.comm.store.FindAccountByID(ctx, id); err == nil {
						name = acc.Username
					}
				}
				names[e.TargetID] = name
			}
			if name != "" {
				row.Target = "account " + name
				if e.Action == quire.ActionDisable {
					row.Undo = &UndoForm{Action: "/moderation/accounts", Fields: map[string]string{"username": name, "disabled": "0"}, Label: "Enable again"}
				}
			}
		}
		page.Audit = append(page.Audit, row)
	}
	return page, nil
}
