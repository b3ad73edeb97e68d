package config

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"quire/internal/arxiv"
)

func TestLoadSync(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		kv       map[string]string
		sets     []string
		syncTime string
		url      string
	}{
		{"defaults", nil, nil, []string{"cs"}, "03:00", arxiv.DefaultOAIURL},
		{"environment", nil, map[string]string{"QUIRE_ARXIV_SETS": " cs, math ,physics:hep-th,cs", "QUIRE_SYNC_TIME": "4:5",
			"QUIRE_ARXIV_OAI_URL": "http://127.0.0.1:9/oai"}, []string{"cs", "math", "physics:hep-th"}, "04:05", "http://127.0.0.1:9/oai"},
		{"off by flag", []string{"--arxiv-sets="}, nil, nil, "03:00", arxiv.DefaultOAIURL},
		{"off by environment", nil, map[string]string{"QUIRE_ARXIV_SETS": "none"}, nil, "03:00", arxiv.DefaultOAIURL},
		{"every set", []string{"--arxiv-sets", "all"}, nil, []string{"all"}, "03:00", arxiv.DefaultOAIURL},
		{"no endpoint without sets", []string{"--arxiv-sets=", "--arxiv-oai-url="}, nil, nil, "03:00", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _, err := load(t, tc.args, tc.kv)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.sets, c.ArxivSets); diff != "" {
				t.Errorf("ArxivSets mismatch (-want +got):\n%s", diff)
			}
			if c.SyncTime != tc.syncTime || c.ArxivOAIURL != tc.url {
				t.Errorf("SyncTime, ArxivOAIURL = %q, %q; want %q, %q", c.SyncTime, c.ArxivOAIURL, tc.syncTime, tc.url)
			}
		})
	}
}

func TestLoadSyncInvalid(t *testing.T) {
	for _, tc := range []struct {
		kv   map[string]string
		want string
	}{
		{map[string]string{"QUIRE_ARXIV_SETS": "cs,math?"}, `"math?" is not an OAI-PMH set`},
		{map[string]string{"QUIRE_ARXIV_SETS": "physics::hep-th"}, "is not an OAI-PMH set"},
		{map[string]string{"QUIRE_SYNC_TIME": "25:00"}, "sync time"},
		{map[string]string{"QUIRE_SYNC_TIME": "3pm"}, "sync time"},
		{map[string]string{"QUIRE_ARXIV_OAI_URL": "ftp://example.org/oai"}, "QUIRE_ARXIV_OAI_URL"},
		{map[string]string{"QUIRE_ARXIV_OAI_URL": "https://example.org/oai?verb=Identify"}, "QUIRE_ARXIV_OAI_URL"},
	} {
		_, _, err := load(t, nil, tc.kv)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Load(%v) = %v, want an error containing %q", tc.kv, err, tc.want)
		}
	}
	if _, _, err := load(t, []string{"--arxiv-oai-url="}, nil); err == nil || !strings.Contains(err.Error(), "QUIRE_ARXIV_OAI_URL: needed") {
		t.Errorf("sets without an endpoint: %v, want QUIRE_ARXIV_OAI_URL: needed …", err)
	}
}

// TestDumpSync checks that quire config shows the sync settings in a form
// that reads back the same, "none" for a sync that is off.
func TestDumpSync(t *testing.T) {
	for _, args := range [][]string{{"--arxiv-sets", "cs,math", "--sync-time", "23:30"}, {"--arxiv-sets="}} {
		c, _, err := load(t, args, nil)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		c.Dump(&b)
		kv := map[string]string{}
		for line := range strings.Lines(b.String()) {
			k, v, _ := strings.Cut(line, "=")
			v, _, _ = strings.Cut(v, "\t")
			if strings.HasPrefix(k, "QUIRE_ARXIV_") || k == "QUIRE_SYNC_TIME" {
				kv[k] = v
			}
		}
		again, _, err := load(t, nil, kv)
		if err != nil {
			t.Fatalf("loading the dump %v: %v", kv, err)
		}
		if !cmp.Equal(c.ArxivSets, again.ArxivSets) || c.SyncTime != again.SyncTime || c.ArxivOAIURL != again.ArxivOAIURL {
			t.Errorf("dump %v reads back as %v, %s, %s; want %v, %s, %s", kv,
				again.ArxivSets, again.SyncTime, again.ArxivOAIURL, c.ArxivSets, c.SyncTime, c.ArxivOAIURL)
		}
	}
}
