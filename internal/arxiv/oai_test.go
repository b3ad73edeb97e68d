package arxiv

import (
	"bytes"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
)

const oaiFixtures = "testdata/oai"

// MustReadOAIFixture returns the bytes of testdata/oai/name.
func MustReadOAIFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(oaiFixtures, name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// MustParseOAIFixture parses testdata/oai/name, which must be a page.
func MustParseOAIFixture(tb testing.TB, name string) *OAIPage {
	tb.Helper()
	page, err := ParseListRecords(MustReadOAIFixture(tb, name))
	if err != nil {
		tb.Fatalf("ParseListRecords(%s): %v", name, err)
	}
	return page
}

// kagglePapers returns the papers of the Kaggle sample by id: the records
// of the fixtures were written from it.
func kagglePapers(tb testing.TB) map[string]*quire.Paper {
	tb.Helper()
	out := map[string]*quire.Paper{}
	for _, line := range MustReadLines(tb, kaggleSample) {
		p, err := ParseKaggle(line)
		if err != nil {
			tb.Fatal(err)
		}
		out[p.ID] = p
	}
	return out
}

func ids(papers []*quire.Paper) []string {
	var out []string
	for _, p := range papers {
		out = append(out, p.ID)
	}
	return out
}

func utcDay(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseListRecordsPages(t *testing.T) {
	for _, tc := range []struct {
		name          string
		ids           []string
		withdrawn     []string
		lastDatestamp string
		token         ResumptionToken
	}{
		{
			name:          "arxiv_page1.xml",
			ids:           []string{"0704.0004", "0704.0079", "0704.0113", "0704.0191", "0704.0132"},
			lastDatestamp: "2007-09-03",
			token:         ResumptionToken{Value: "6960524|1001", Cursor: 0, CompleteListSize: 15, ExpirationDate: time.Date(2026, 11, 28, 9, 15, 2, 0, time.UTC)},
		},
		{
			name:          "arxiv_page2.xml",
			ids:           []string{"0704.0063", "0704.0031", "0704.0106", "0704.0196", "0704.0175"},
			lastDatestamp: "2009-06-23",
			token:         ResumptionToken{Value: "6960524|2001", Cursor: 5, CompleteListSize: 15, ExpirationDate: time.Date(2026, 11, 28, 9, 15, 2, 0, time.UTC)},
		},
		{
			name:          "arxiv_page3.xml",
			ids:           []string{"0704.0057", "0704.0166", "0704.0199", "0704.0200", "0704.0156"},
			withdrawn:     []string{"0704.0156"},
			lastDatestamp: "2015-05-13",
			token:         ResumptionToken{Cursor: 10, CompleteListSize: 15},
		},
		{
			name:          "arxivraw_page.xml",
			ids:           []string{"0704.0026", "0704.0112", "0704.0003", "0704.0148", "0704.0063"},
			lastDatestamp: "2008-03-12",
			token:         ResumptionToken{Cursor: -1, CompleteListSize: -1},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page := MustParseOAIFixture(t, tc.name)
			if diff := cmp.Diff(tc.ids, ids(page.Papers)); diff != "" {
				t.Errorf("papers mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.withdrawn, page.Withdrawn); diff != "" {
				t.Errorf("withdrawn mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.token, page.Token); diff != "" {
				t.Errorf("token mismatch (-want +got):\n%s", diff)
			}
			if page.LastDatestamp != tc.lastDatestamp || page.Records != len(tc.ids) || len(page.Deleted) != 0 || len(page.Malformed) != 0 {
				t.Errorf("got LastDatestamp %q, Records %d, Deleted %q, Malformed %v; want %q, %d, none, none",
					page.LastDatestamp, page.Records, page.Deleted, page.Malformed, tc.lastDatestamp, len(tc.ids))
			}
			if want := time.Date(2026, 11, 27, 9, 15, 2, 0, time.UTC); !page.ResponseDate.Equal(want) {
				t.Errorf("ResponseDate = %v, want %v", page.ResponseDate, want)
			}
		})
	}
}

// TestParseListRecordsArXiv checks one arXiv-format record field by field.
func TestParseListRecordsArXiv(t *testing.T) {
	page := MustParseOAIFixture(t, "arxiv_page1.xml")
	want := &quire.Paper{
		ID:      "0704.0004",
		Title:   "A determinant of Stirling cycle numbers counts unlabeled acyclic single-source automata",
		Authors: []string{"David Callan"},
		Abstract: "We show that a determinant of Stirling cycle numbers counts unlabeled acyclic " +
			"single-source automata. The proof involves a bijection from these automata to " +
			"certain marked lattice paths and a sign-reversing involution to evaluate the " +
			"determinant.",
		Categories:  []string{"math.CO"},
		PublishedAt: utcDay("2007-03-31"),
		UpdatedAt:   utcDay("2007-03-31"),
		Comments:    "11 pages",
	}
	if diff := cmp.Diff(want, page.Papers[0]); diff != "" {
		t.Errorf("ParseListRecords(arxiv_page1.xml) first paper mismatch (-want +got):\n%s", diff)
	}
}

// TestParseListRecordsArXivRaw checks one arXivRaw record field by field.
func TestParseListRecordsArXivRaw(t *testing.T) {
	page := MustParseOAIFixture(t, "arxivraw_page.xml")
	want := &quire.Paper{
		ID:      "0704.0026",
		Version: 3,
		Title:   "Placeholder Substructures II: Meta-Fractals, Made of Box-Kites, Fill Infinite-Dimensional Skies",
		Authors: []string{"Robert P. C. de Marrais"},
		Abstract: "Zero-divisors (ZDs) derived by Cayley-Dickson Process (CDP) from " +
			"N-dimensional hypercomplex numbers (N a power of 2, at least 4) can represent " +
			"singularities and, as N approaches infinite, fractals -- and thereby,scale-free " +
			"networks. Any integer greater than 8 and not a power of 2 generates a " +
			"meta-fractal or \"Sky\" when it is interpreted as the \"strut constant\" (S) of an " +
			"ensemble of octahedral vertex figures called \"Box-Kites\" (the fundamental " +
			"building blocks of ZDs). Remarkably simple bit-manipulation rules or \"recipes\" " +
			"provide tools for transforming one fractal genus into others within the context " +
			"of Wolfram's Class 4 complexity.",
		Categories: []string{"math.RA"},
		Comments: "31 pp. Second of 3-part \"theorem/proof\" exposition of 78-slide " +
			"Powerpoint from Wolfram Science's NKS 2006, available at " +
			"http://wolframscience.com/conference/2006/presentations/materials/demarrais.ppt " +
			"[v2: small fixes][v3: Added new Appendix B and small number of corrections " +
			"(pp. 7, 14, 20) RE: 2nd type of box-kite flow pattern.]",
		PublishedAt: gmt("2007-03-31 12:24:06"),
		UpdatedAt:   gmt("2007-11-22 01:13:37"),
		Versions: []quire.Version{
			{N: 1, CreatedAt: gmt("2007-03-31 12:24:06")},
			{N: 2, CreatedAt: gmt("2007-04-08 14:07:19")},
			{N: 3, CreatedAt: gmt("2007-11-22 01:13:37")},
		},
	}
	if diff := cmp.Diff(want, page.Papers[0]); diff != "" {
		t.Errorf("ParseListRecords(arxivraw_page.xml) first paper mismatch (-want +got):\n%s", diff)
	}
}

// TestParseListRecordsMatchesKaggle checks every paper of every fixture
// against the Kaggle record it was written from: the same paper must come
// out of either source, except for what a format lacks (the arXiv format
// has no versions and dates only days; arXivRaw gives authors as a string).
func TestParseListRecordsMatchesKaggle(t *testing.T) {
	kaggle := kagglePapers(t)
	files, err := filepath.Glob(filepath.Join(oaiFixtures, "arxiv*.xml"))
	if err != nil || len(files) < 6 {
		t.Fatalf("fixtures: %v, %v", files, err)
	}
	seen := 0
	for _, path := range files {
		name := filepath.Base(path)
		page := MustParseOAIFixture(t, name)
		for _, got := range page.Papers {
			k := kaggle[got.ID]
			if k == nil {
				t.Errorf("%s: %s is not in the Kaggle sample", name, got.ID)
				continue
			}
			want := *k
			if strings.HasPrefix(name, "arxivraw") {
				want.Authors = got.Authors
				if squash(got.Authors) != squash(k.Authors) {
					t.Errorf("%s: %s: authors %q, Kaggle %q", name, got.ID, got.Authors, k.Authors)
				}
			} else {
				want.Version, want.Versions = 0, nil
				want.PublishedAt = want.PublishedAt.Truncate(24 * time.Hour)
				want.UpdatedAt = want.UpdatedAt.Truncate(24 * time.Hour)
			}
			if diff := cmp.Diff(&want, got); diff != "" {
				t.Errorf("%s: %s differs from the Kaggle record (-kaggle +oai):\n%s", name, got.ID, diff)
			}
			seen++
		}
	}
	if seen < 30 {
		t.Errorf("compared %d papers; want at least 30", seen)
	}
}

// squash joins names without spaces: authors_parsed spaces initials
// ("F. R.") where the authors string may not ("F.R.").
func squash(names []string) string {
	return strings.ReplaceAll(strings.Join(names, ","), " ", "")
}

func TestParseListRecordsDeleted(t *testing.T) {
	page := MustParseOAIFixture(t, "arxiv_deleted.xml")
	if diff := cmp.Diff([]string{"0704.0012", "0704.0034"}, page.Deleted); diff != "" {
		t.Errorf("Deleted mismatch (-want +got):\n%s", diff)
	}
	// Each deletion keeps its own day; the page's latest is another.
	if diff := cmp.Diff(map[string]string{"0704.0012": "2007-05-21", "0704.0034": "2007-05-23"}, page.DeletedOn); diff != "" {
		t.Errorf("DeletedOn mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"0704.0010", "0704.0018"}, ids(page.Papers)); diff != "" {
		t.Errorf("Papers mismatch (-want +got):\n%s", diff)
	}
	if page.Records != 4 || len(page.Malformed) != 0 {
		t.Errorf("Records = %d, Malformed = %v; want 4, none", page.Records, page.Malformed)
	}
}

func TestParseListRecordsMalformedRecord(t *testing.T) {
	page := MustParseOAIFixture(t, "arxiv_malformed_record.xml")
	if diff := cmp.Diff([]string{"0704.0037", "0704.0050", "0704.0052"}, ids(page.Papers)); diff != "" {
		t.Errorf("Papers mismatch (-want +got):\n%s", diff)
	}
	if page.Records != 4 || len(page.Malformed) != 1 {
		t.Fatalf("Records = %d, Malformed = %v; want 4 and one", page.Records, page.Malformed)
	}
	bad := page.Malformed[0]
	if bad.Index != 1 || bad.Identifier != "oai:arXiv.org:0704.0049" || !errors.Is(bad, quire.ErrInvalid) ||
		!strings.Contains(quire.UserMessage(bad), `created "2007-04-32007-04-02"`) {
		t.Errorf("Malformed[0] = %+v (%v); want record 1, oai:arXiv.org:0704.0049, a bad created date", bad, bad)
	}
}

func TestParseListRecordsErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		want    error
		invalid bool
	}{
		{"error_noRecordsMatch.xml", ErrNoRecordsMatch, false},
		{"error_badResumptionToken.xml", ErrBadResumptionToken, false},
		{"error_badArgument.xml", ErrBadArgument, true},
		{"error_cannotDisseminateFormat.xml", ErrCannotDisseminateFormat, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page, err := ParseListRecords(MustReadOAIFixture(t, tc.name))
			var oaiErr *OAIError
			if page != nil || !errors.As(err, &oaiErr) || !errors.Is(err, tc.want) {
				t.Fatalf("ParseListRecords = %v, %v; want an *OAIError matching %v", page, err, tc.want)
			}
			code := strings.TrimSuffix(strings.TrimPrefix(tc.name, "error_"), ".xml")
			if oaiErr.Code != code || oaiErr.Message == "" {
				t.Errorf("got code %q, message %q; want code %q and a message", oaiErr.Code, oaiErr.Message, code)
			}
			if got := errors.Is(err, quire.ErrInvalid); got != tc.invalid {
				t.Errorf("errors.Is(%v, quire.ErrInvalid) = %v, want %v", err, got, tc.invalid)
			}
		})
	}
}

func TestParseListRecordsTruncated(t *testing.T) {
	full := MustReadOAIFixture(t, "arxiv_page1.xml")
	for _, body := range [][]byte{
		MustReadOAIFixture(t, "truncated.xml"),
		full[:len(full)/3],
		full[:bytes.Index(full, []byte("</ListRecords>"))],
		full[:bytes.LastIndex(full, []byte("</OAI-PMH>"))],
	} {
		_, err := ParseListRecords(body)
		if !errors.Is(err, ErrTruncated) || !errors.Is(err, quire.ErrInvalid) {
			t.Errorf("ParseListRecords(%d bytes of %d) = %v; want ErrTruncated", len(body), len(full), err)
		}
	}
}

// record wraps record XML in a response.
func record(s string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">` +
		`<responseDate>2026-11-27T09:15:02Z</responseDate><request verb="ListRecords">https://oaipmh.arxiv.org/oai</request>` +
		`<ListRecords><record>` + s + `</record></ListRecords></OAI-PMH>`)
}

const (
	goodHeader = `<header><identifier>oai:arXiv.org:0704.0004</identifier><datestamp>2007-05-23</datestamp></header>`
	rawOpen    = `<metadata><arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/"><id>0704.0004</id><title>T</title>`
)

func TestParseListRecordsRecordDetails(t *testing.T) {
	for _, tc := range []struct {
		name      string
		body      []byte
		malformed string // part of the message; "" when the record is good
		withdrawn bool
		stamp     string
	}{
		{
			name:  "datestamp with a time",
			body:  record(`<header><identifier>oai:arXiv.org:0704.0004</identifier><datestamp>2007-05-23T10:00:00Z</datestamp></header>` + rawOpen + `</arXivRaw></metadata>`),
			stamp: "2007-05-23",
		},
		{
			name:      "withdrawn source type",
			body:      record(goodHeader + rawOpen + `<version version="v1"><date>Sat, 31 Mar 2007 03:16:14 GMT</date><size>9kb</size></version><version version="v2"><date>Mon, 2 Apr 2007 03:16:14 GMT</date><size>1kb</size><source_type>I</source_type></version></arXivRaw></metadata>`),
			withdrawn: true,
			stamp:     "2007-05-23",
		},
		{
			name:      "withdrawn comment",
			body:      record(goodHeader + rawOpen + `<comments>This article has been withdrawn due to an error</comments></arXivRaw></metadata>`),
			withdrawn: true,
			stamp:     "2007-05-23",
		},
		{
			name:      "old-style id",
			body:      record(`<header><identifier>oai:arXiv.org:hep-th/9901001</identifier><datestamp>2007-05-23</datestamp></header><metadata><arXiv xmlns="http://arxiv.org/OAI/arXiv/"><id>hep-th/9901001</id><title>T</title></arXiv></metadata>`),
			stamp:     "2007-05-23",
			malformed: "",
		},
		{name: "ids differ", body: record(`<header><identifier>oai:arXiv.org:0704.0005</identifier><datestamp>2007-05-23</datestamp></header>` + rawOpen + `</arXivRaw></metadata>`), malformed: "the header names 0704.0005 but the metadata 0704.0004", stamp: "2007-05-23"},
		{name: "other format", body: record(goodHeader + `<metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"/></metadata>`), malformed: "metadata in the format <dc>", stamp: "2007-05-23"},
		{name: "no metadata", body: record(goodHeader), malformed: "neither deleted nor has metadata", stamp: "2007-05-23"},
		{name: "bad datestamp", body: record(`<header><identifier>oai:arXiv.org:0704.0004</identifier><datestamp>yesterday</datestamp></header>`), malformed: `datestamp "yesterday"`},
		{name: "bad identifier", body: record(`<header status="deleted"><identifier>urn:x:1</identifier><datestamp>2007-05-23</datestamp></header>`), malformed: "does not start with oai:arXiv.org:", stamp: "2007-05-23"},
		{name: "no title", body: record(goodHeader + `<metadata><arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/"><id>0704.0004</id></arXivRaw></metadata>`), malformed: "has no title", stamp: "2007-05-23"},
		{name: "bad id", body: record(goodHeader + `<metadata><arXivRaw><id>0704.00x4</id><title>T</title></arXivRaw></metadata>`), malformed: "metadata id", stamp: "2007-05-23"},
		{name: "bad version", body: record(goodHeader + rawOpen + `<version version="1"><date>Sat, 31 Mar 2007 03:16:14 GMT</date></version></arXivRaw></metadata>`), malformed: `version "1"`, stamp: "2007-05-23"},
		{name: "bad version date", body: record(goodHeader + rawOpen + `<version version="v1"><date>2007-03-31</date></version></arXivRaw></metadata>`), malformed: "the date of v1", stamp: "2007-05-23"},
		{name: "versions out of order", body: record(goodHeader + rawOpen + `<version version="v2"><date>Sat, 31 Mar 2007 03:16:14 GMT</date></version><version version="v1"><date>Sat, 31 Mar 2007 03:16:14 GMT</date></version></arXivRaw></metadata>`), malformed: "increasing order", stamp: "2007-05-23"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page, err := ParseListRecords(tc.body)
			if err != nil {
				t.Fatal(err)
			}
			if page.Records != 1 || page.LastDatestamp != tc.stamp {
				t.Errorf("Records = %d, LastDatestamp = %q; want 1, %q", page.Records, page.LastDatestamp, tc.stamp)
			}
			if tc.malformed != "" {
				if len(page.Malformed) != 1 || len(page.Papers) != 0 || !strings.Contains(page.Malformed[0].Error(), tc.malformed) {
					t.Errorf("got papers %q, malformed %v; want one malformed record saying %q", ids(page.Papers), page.Malformed, tc.malformed)
				}
				return
			}
			if len(page.Papers) != 1 || len(page.Malformed) != 0 {
				t.Fatalf("got papers %q, malformed %v; want one paper", ids(page.Papers), page.Malformed)
			}
			if got := len(page.Withdrawn) == 1; got != tc.withdrawn {
				t.Errorf("Withdrawn = %q; want withdrawn %v", page.Withdrawn, tc.withdrawn)
			}
		})
	}
}

func TestParseListRecordsInvalid(t *testing.T) {
	for _, tc := range []struct {
		name, body, want string
	}{
		{"empty", "", "is empty"},
		{"not XML", "Service Unavailable", "is not XML"},
		{"wrong root", `<feed><entry/></feed>`, "root element is <feed>"},
		{"bad syntax", `<OAI-PMH><ListRecords></record></ListRecords></OAI-PMH>`, "not valid XML"},
		{"bad cursor", `<OAI-PMH><ListRecords><resumptionToken cursor="x">t</resumptionToken></ListRecords></OAI-PMH>`, `cursor "x"`},
		{"bad size", `<OAI-PMH><ListRecords><resumptionToken completeListSize="-3">t</resumptionToken></ListRecords></OAI-PMH>`, `completeListSize "-3"`},
		{"bad expiry", `<OAI-PMH><ListRecords><resumptionToken expirationDate="soon">t</resumptionToken></ListRecords></OAI-PMH>`, `expirationDate "soon"`},
		{"charset", `<?xml version="1.0" encoding="ISO-8859-1"?><OAI-PMH/>`, "not encoded in UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page, err := ParseListRecords([]byte(tc.body))
			if page != nil || !errors.Is(err, quire.ErrInvalid) || errors.Is(err, ErrTruncated) || !strings.Contains(quire.UserMessage(err), tc.want) {
				t.Errorf("ParseListRecords(%q) = %v, %v; want an invalid-input error saying %q", tc.body, page, err, tc.want)
			}
		})
	}
}

// FuzzParseListRecords feeds arbitrary bytes to the OAI-PMH parser: any
// input gives a page of valid, normalised papers whose counts add up, or an
// error that is an *OAIError or of kind quire.ErrInvalid with a message;
// never a panic.
func FuzzParseListRecords(f *testing.F) {
	files, err := filepath.Glob(filepath.Join(oaiFixtures, "*.xml"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no fixtures in %s: %v", oaiFixtures, err)
	}
	for _, path := range files {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(firstRecord(b))
	}
	f.Add(record(goodHeader + rawOpen + `<version version="v1"><date>Sat, 31 Mar 2007 03:16:14 GMT</date></version></arXivRaw></metadata>`))
	f.Add([]byte(`<OAI-PMH><error code="">` + strings.Repeat("x", 400) + `</error><error code="badVerb"/></OAI-PMH>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		page, err := ParseListRecords(data)
		if err != nil {
			var oaiErr *OAIError
			if !errors.As(err, &oaiErr) && (!errors.Is(err, quire.ErrInvalid) || quire.UserMessage(err) == "") {
				t.Fatalf("error %v is neither an *OAIError nor a user-facing invalid-input error", err)
			}
			return
		}
		if got := len(page.Papers) + len(page.Deleted) + len(page.Malformed); got != page.Records {
			t.Errorf("%d papers + %d deleted + %d malformed != %d records", len(page.Papers), len(page.Deleted), len(page.Malformed), page.Records)
		}
		for _, p := range page.Papers {
			if err := p.Validate(); err != nil {
				t.Errorf("invalid paper: %v", err)
			}
			q := *p
			q.Authors, q.Categories = append([]string(nil), p.Authors...), append([]string(nil), p.Categories...)
			q.Versions = append([]quire.Version(nil), p.Versions...)
			q.Normalize()
			if !q.Equal(p) {
				t.Errorf("paper %s is not normalised", p.ID)
			}
		}
		for _, m := range page.Malformed {
			if !errors.Is(m, quire.ErrInvalid) || quire.UserMessage(m) == "" {
				t.Errorf("malformed record error %v has no user message", m)
			}
		}
		if page.Token.Cursor < -1 || page.Token.CompleteListSize < -1 {
			t.Errorf("token counts %+v", page.Token)
		}
	})
}

// firstRecord drops the records of a page after the first, keeping what
// follows them: small seeds keep the fuzzer mutating rather than spending
// its time minimising ten-kilobyte inputs.
func firstRecord(b []byte) []byte {
	end := []byte("</record>")
	first := bytes.Index(b, end)
	last := bytes.LastIndex(b, end)
	if first < 0 || first == last {
		return b
	}
	return slices.Concat(b[:first+len(end)], b[last+len(end):])
}

// benchPage builds a page of n arXiv-format records from the fixtures'
// records, as large as the pages arXiv sends.
func benchPage(tb testing.TB, n int) []byte {
	tb.Helper()
	var recs [][]byte
	for _, name := range []string{"arxiv_page1.xml", "arxiv_page2.xml", "arxiv_page3.xml"} {
		b := MustReadOAIFixture(tb, name)
		for {
			i := bytes.Index(b, []byte("<record>"))
			if i < 0 {
				break
			}
			j := bytes.Index(b, []byte("</record>")) + len("</record>")
			recs = append(recs, b[i:j])
			b = b[j:]
		}
	}
	var buf bytes.Buffer
	buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2026-11-27T09:15:02Z</responseDate><request verb="ListRecords" metadataPrefix="arXiv">https://oaipmh.arxiv.org/oai</request><ListRecords>`)
	for i := range n {
		buf.Write(recs[i%len(recs)])
		buf.WriteByte('\n')
	}
	buf.WriteString(`<resumptionToken cursor="0" completeListSize="2900000">6960524|1001</resumptionToken></ListRecords></OAI-PMH>`)
	return buf.Bytes()
}

// genericNode is any XML element, the baseline: what encoding/xml does with
// the same bytes when nothing is converted.
type genericNode struct {
	XMLName xml.Name
	Attrs   []xml.Attr    `xml:",any,attr"`
	Text    string        `xml:",chardata"`
	Nodes   []genericNode `xml:",any"`
}

// BenchmarkParseListRecords measures parsing a 1,000-record page (the
// issue asks for at least 5,000 records/s) beside encoding/xml decoding the
// same bytes into a generic tree.
func BenchmarkParseListRecords(b *testing.B) {
	const n = 1000
	body := benchPage(b, n)
	b.Run("ParseListRecords", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			page, err := ParseListRecords(body)
			if err != nil || len(page.Papers) != n {
				b.Fatalf("got %v papers, %v", page, err)
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
	})
	b.Run("encoding-xml-generic", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var root genericNode
			if err := xml.Unmarshal(body, &root); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
	})
}
