package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"time"

	"quire"
)

// Checkpoints keep the position of an import that may be interrupted, so
// that the same command resumes there (the settings of the store).
type Checkpoints interface {
	Setting(ctx context.Context, key string) (string, error)
	SetSetting(ctx context.Context, key, value string) error
}

// checkpoint is an import's position in one file: how many of its records
// are stored. It holds only for the same file, unchanged since.
type checkpoint struct {
	Size    int64     `json:"size"`
	ModTime time.Time `json:"mtime"`
	Records int       `json:"records"`
}

// checkpointEvery is how often a running import saves its position.
const checkpointEvery = 5 * time.Second

func checkpointKey(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return "import:" + path
}

// resumePoint returns how many records of the file at path an earlier,
// interrupted import stored, or 0.
func (im *Importer) resumePoint(ctx context.Context, path string, fi os.FileInfo) (int, error) {
	if im.Checkpoints == nil || im.DryRun || fi == nil {
		return 0, nil
	}
	v, err := im.Checkpoints.Setting(ctx, checkpointKey(path))
	if errors.Is(err, quire.ErrNotFound) || (err == nil && v == "") {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var cp checkpoint
	if json.Unmarshal([]byte(v), &cp) != nil || cp.Size != fi.Size() || !cp.ModTime.Equal(fi.ModTime().UTC().Truncate(time.Second)) {
		// Another file by that name now: start over.
		return 0, nil
	}
	return cp.Records, nil
}

// saveCheckpoint records that the first records of the file are stored;
// done clears the position once the whole file is in.
func (r *run) saveCheckpoint(ctx context.Context, records int, done bool) error {
	if r.im.Checkpoints == nil || r.im.DryRun || r.file == nil {
		return nil
	}
	value := ""
	if !done {
		b, err := json.Marshal(checkpoint{Size: r.file.Size(), ModTime: r.file.ModTime().UTC().Truncate(time.Second), Records: records})
		if err != nil {
			return err
		}
		value = string(b)
	}
	return r.im.Checkpoints.SetSetting(ctx, checkpointKey(r.name), value)
}
