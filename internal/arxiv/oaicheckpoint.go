package arxiv

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"quire"
)

// Checkpoint is where a harvest stands: what it asks for and how far it
// got. It is saved after each page's papers are stored, so that an
// interrupted harvest resumes from the next page.
type Checkpoint struct {
	// Set, Prefix, From and Until are the harvest's request.
	Set    string `json:"set,omitempty"`
	Prefix string `json:"prefix"`
	From   string `json:"from,omitempty"`
	Until  string `json:"until,omitempty"`
	// Token is the resumption token of the next page, "" when no page is
	// pending: before the first page, or once the list is complete.
	Token string `json:"token,omitempty"`
	// LastDatestamp is the latest datestamp seen so far. A harvest whose
	// token has expired restarts from it; a finished one continues from it
	// the next day.
	LastDatestamp string `json:"last_datestamp,omitempty"`
	// Pages and Records count the pages and records harvested so far.
	Pages   int `json:"pages"`
	Records int `json:"records"`
}

// Done reports whether the harvest reached the end of its list.
func (cp *Checkpoint) Done() bool { return cp.Pages > 0 && cp.Token == "" }

// Next returns the checkpoint of the incremental harvest that follows a
// finished one: the same set and format, from the last datestamp seen
// (arXiv advises taking from the last response and not setting until).
// Records of that day come again, which merging makes harmless.
func (cp *Checkpoint) Next() Checkpoint {
	from := cp.From
	if cp.LastDatestamp > from {
		from = cp.LastDatestamp
	}
	return Checkpoint{Set: cp.Set, Prefix: cp.Prefix, From: from}
}

// Settings keeps small named values: the part of a store that holds
// checkpoints. Setting returns an error of kind quire.ErrNotFound when key
// has no value.
type Settings interface {
	Setting(ctx context.Context, key string) (string, error)
	SetSetting(ctx context.Context, key, value string) error
}

// CheckpointKey names the setting that holds the checkpoint of harvests of
// set (all of arXiv when "") in the given metadata format.
func CheckpointKey(prefix, set string) string {
	if set == "" {
		set = "all"
	}
	return "arxiv.oai." + prefix + "." + set
}

// LoadCheckpoint reads the checkpoint saved under key. It returns an error
// of kind quire.ErrNotFound when there is none, and of kind
// quire.ErrInvalid when the saved value is not a checkpoint.
func LoadCheckpoint(ctx context.Context, s Settings, key string) (Checkpoint, error) {
	v, err := s.Setting(ctx, key)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("loading harvest checkpoint %s: %w", key, err)
	}
	var cp Checkpoint
	if err := json.Unmarshal([]byte(v), &cp); err != nil {
		return Checkpoint{}, jsonError("harvest checkpoint "+key, err)
	}
	if err := cp.validate(); err != nil {
		return Checkpoint{}, err
	}
	return cp, nil
}

// SaveCheckpoint saves cp under key.
func SaveCheckpoint(ctx context.Context, s Settings, key string, cp Checkpoint) error {
	b, err := json.Marshal(cp)
	if err != nil {
		return err
	}
	if err := s.SetSetting(ctx, key, string(b)); err != nil {
		return fmt.Errorf("saving harvest checkpoint %s: %w", key, err)
	}
	return nil
}

// validate checks what a harvest needs from a checkpoint.
func (cp *Checkpoint) validate() error {
	switch {
	case cp.Prefix == "":
		return quire.Invalidf("harvest checkpoint names no metadata format")
	case cp.Pages < 0 || cp.Records < 0:
		return quire.Invalidf("harvest checkpoint has negative counts")
	}
	for _, d := range []struct{ name, v string }{{"from", cp.From}, {"until", cp.Until}, {"last datestamp", cp.LastDatestamp}} {
		if d.v == "" {
			continue
		}
		if _, err := parseDatestamp(d.v); err != nil || len(d.v) != len(datestampLayout) {
			return quire.Invalidf("harvest checkpoint: %s %q is not of the form YYYY-MM-DD", d.name, clipString(d.v))
		}
	}
	return nil
}

// isNotFound reports whether err says that a setting is absent.
func isNotFound(err error) bool { return errors.Is(err, quire.ErrNotFound) }
