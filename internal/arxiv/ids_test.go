package arxiv

import (
	"bufio"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"

	"quire"
)

func TestParseID(t *testing.T) {
	for _, tc := range []struct {
		in      string
		id      string
		version int
	}{
		{"2406.01234", "2406.01234", 0},
		{"2406.01234v2", "2406.01234", 2},
		{"2406.01234V12", "2406.01234", 12},
		{"0704.0001", "0704.0001", 0},
		{"1412.9999v1", "1412.9999", 1},
		{"1501.00001", "1501.00001", 0},
		{"hep-th/9901001", "hep-th/9901001", 0},
		{"hep-th/9901001v3", "hep-th/9901001", 3},
		{"HEP-TH/9901001", "hep-th/9901001", 0},
		{"math.GT/0309136", "math/0309136", 0},
		{"cs.AI/0101001v2", "cs/0101001", 2},
		{"math/0703999", "math/0703999", 0},
		{"acc-phys/9411001", "acc-phys/9411001", 0},
		{"arXiv:2406.01234", "2406.01234", 0},
		{"ARXIV:2406.01234v4", "2406.01234", 4},
		{"arxiv: hep-th/9901001", "hep-th/9901001", 0},
		{"arXiv:2406.01234v2 [cs.CL]", "2406.01234", 2},
		{"  2406.01234\n", "2406.01234", 0},
		{"\t arXiv:0704.0001v2 ", "0704.0001", 2},
		{"https://arxiv.org/abs/2406.01234", "2406.01234", 0},
		{"http://arxiv.org/abs/2406.01234v2", "2406.01234", 2},
		{"HTTPS://ArXiv.org/abs/2406.01234", "2406.01234", 0},
		{"arxiv.org/pdf/2406.01234v3", "2406.01234", 3},
		{"https://arxiv.org/pdf/2406.01234v3.pdf", "2406.01234", 3},
		{"https://arxiv.org/pdf/2406.01234.PDF", "2406.01234", 0},
		{"https://arxiv.org/abs/2406.01234/", "2406.01234", 0},
		{"https://arxiv.org/abs/2406.01234?context=cs.CL", "2406.01234", 0},
		{"https://arxiv.org/abs/2406.01234v1#comments", "2406.01234", 1},
		{"https://arxiv.org/html/2406.01234v2", "2406.01234", 2},
		{"https://export.arxiv.org/abs/2406.01234", "2406.01234", 0},
		{"http://www.arxiv.org/abs/hep-th/9901001v3", "hep-th/9901001", 3},
		{"https://arxiv.org/pdf/math.GT/0309136v1.pdf", "math/0309136", 1},
		{"https://huggingface.co/papers/2406.01234", "2406.01234", 0},
		{"huggingface.co/papers/2406.01234?utm=x", "2406.01234", 0},
	} {
		id, version, err := ParseID(tc.in)
		if err != nil || id != tc.id || version != tc.version {
			t.Errorf("ParseID(%q) = %q, %d, %v; want %q, %d, nil", tc.in, id, version, err, tc.id, tc.version)
		}
	}
}

func TestParseIDInvalid(t *testing.T) {
	garbage := strings.Repeat("garbage\x00\x1b[31m", 800) // about 10 KB
	for _, tc := range []struct {
		in   string
		want string // part of the message
	}{
		{"", "empty"},
		{"   ", "empty"},
		{"2406.1234", "5 digits after the dot"},
		{"2406.123456", "5 digits after the dot"},
		{"1412.00001", "4 digits after the dot"},
		{"0703.0001", "start at 0704"},
		{"2413.00001", "month 13 does not exist"},
		{"2400.00001", "month 00 does not exist"},
		{"2406.00000", "paper number 0"},
		{"2406.01234v0", "version"},
		{"2406.01234v01", "version"},
		{"2406.01234v99999", "version"},
		{"2406.01234v", "not an arXiv identifier"},
		{"2406.01234vv2", "not an arXiv identifier"},
		{"2406-01234", "not an arXiv identifier"},
		{"2406.0123a", "not an arXiv identifier"},
		{"240.01234", "not an arXiv identifier"},
		{"hep-th/990100", "7 digits"},
		{"hep-th/9913001", "month 13"},
		{"hep-th/0704001", "from 9107 to 0703"},
		{"hep-th/9001001", "from 9107 to 0703"},
		{"hep-th/9901000", "paper number 0"},
		{"foo-bar/9901001", "not an arXiv archive"},
		{"/9901001", "not an arXiv identifier"},
		{"https://example.com/abs/2406.01234", "not a link to an arXiv"},
		{"https://arxiv.org/list/cs.CL/new", "not a link to an arXiv"},
		{"https://huggingface.co/datasets/x/y", "not a link to an arXiv"},
		{"https://arxiv.org/abs/", "not an arXiv identifier"},
		{"arXiv:", "not an arXiv identifier"},
		{"2406.01234\x00", "not an arXiv identifier"},
		{"2406.\u0661\u0662\u0663\u0664\u0665", "not an arXiv identifier"}, // Arabic-Indic digits
		{garbage, "too long"},
		{"\x1b[2J\x07" + strings.Repeat("ä", 30), "not an arXiv identifier"},
	} {
		_, _, err := ParseID(tc.in)
		if err == nil {
			t.Errorf("ParseID(%q) succeeded; want an error", clipString(tc.in))
			continue
		}
		if !errors.Is(err, quire.ErrInvalid) {
			t.Errorf("ParseID(%q) error %v is not ErrInvalid", clipString(tc.in), err)
		}
		msg := quire.UserMessage(err)
		if !strings.Contains(msg, tc.want) {
			t.Errorf("ParseID(%q) message %q; want it to mention %q", clipString(tc.in), msg, tc.want)
		}
		// Hostile input is never echoed at length, nor raw control bytes.
		if len(msg) > 300 || strings.ContainsAny(msg, "\x00\x1b\x07") {
			t.Errorf("ParseID(%q) message echoes too much: %q", clipString(tc.in), msg)
		}
	}
}

// TestParseIDAbsFiles parses the id line of every .abs record arXiv's own
// abs-page service ships as test data, and checks it against the file's path
// (ftp/<archive>/papers/<yymm>/<number>[v<n>].abs).
func TestParseIDAbsFiles(t *testing.T) {
	f, err := os.Open("testdata/abs_ids.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line, path, _ := strings.Cut(sc.Text(), "\t")
		parts := strings.Split(strings.TrimSuffix(path, ".abs"), "/")
		if len(parts) != 5 {
			t.Fatalf("unexpected path %q", path)
		}
		archive, file := parts[1], parts[4]
		wantID, wantVersion := file, 0
		if base, v, ok := strings.Cut(file, "v"); ok {
			wantID = base
			wantVersion, _ = strconv.Atoi(v)
		}
		if archive != "arxiv" {
			wantID = archive + "/" + wantID
		}
		if path == "ftp/cs/papers/0006/0006007.abs" {
			wantID = "cs/0006008" // this record's id line names its neighbour
		}
		// The id line of the record, with the version its path names.
		for _, in := range []string{line, FormatID(line, wantVersion)} {
			id, version, err := ParseID(in)
			if err != nil || id != wantID || (in != line && version != wantVersion) {
				t.Errorf("ParseID(%q) = %q, %d, %v; want %q, %d (from %s)", in, id, version, err, wantID, wantVersion, path)
			}
		}
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 1000 {
		t.Fatalf("read %d ids; the file has more", n)
	}
}

func TestFormatID(t *testing.T) {
	for _, tc := range []struct {
		id      string
		version int
		want    string
	}{
		{"2406.01234", 0, "2406.01234"},
		{"2406.01234", 2, "2406.01234v2"},
		{"hep-th/9901001", 3, "hep-th/9901001v3"},
	} {
		if got := FormatID(tc.id, tc.version); got != tc.want {
			t.Errorf("FormatID(%q, %d) = %q; want %q", tc.id, tc.version, got, tc.want)
		}
	}
}

func TestIsCanonical(t *testing.T) {
	for in, want := range map[string]bool{
		"2406.01234":       true,
		"hep-th/9901001":   true,
		"2406.01234v2":     false,
		"arXiv:2406.01234": false,
		"math.GT/0309136":  false,
		" 2406.01234":      false,
		"2406.1234":        false,
	} {
		if got := IsCanonical(in); got != want {
			t.Errorf("IsCanonical(%q) = %v; want %v", in, got, want)
		}
	}
}

func FuzzParseID(f *testing.F) {
	for _, s := range []string{
		"2406.01234v2", "0704.0001", "hep-th/9901001v3", "math.GT/0309136",
		"arXiv:2406.01234", "https://arxiv.org/pdf/2406.01234v3.pdf",
		"https://huggingface.co/papers/2406.01234", "arXiv:2406.01234v2 [cs.CL]",
		"2413.00001", "", "v1", "/v1", "https://arxiv.org/abs/?#",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, version, err := ParseID(s)
		if err != nil {
			if !errors.Is(err, quire.ErrInvalid) || quire.UserMessage(err) == "" {
				t.Fatalf("ParseID(%q) error %v has no user message", s, err)
			}
			return
		}
		if version < 0 || !IsCanonical(id) {
			t.Fatalf("ParseID(%q) = %q, %d: not canonical", s, id, version)
		}
		id2, version2, err := ParseID(FormatID(id, version))
		if err != nil || id2 != id || version2 != version {
			t.Fatalf("ParseID(FormatID(%q, %d)) = %q, %d, %v", id, version, id2, version2, err)
		}
	})
}
