package arxiv

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"quire"
)

// Metadata formats of arXiv's OAI-PMH interface that ParseListRecords reads
// (https://info.arxiv.org/help/oa/index.html). arXiv carries authors split
// into names, but no versions; arXivRaw carries the version history, which
// quire.Merge needs to let a harvested record replace a stored one.
const (
	PrefixArXiv    = "arXiv"
	PrefixArXivRaw = "arXivRaw"
)

// OAIPage is one ListRecords response: a page of a harvest.
type OAIPage struct {
	// ResponseDate is the response's responseDate; the zero time when absent.
	ResponseDate time.Time
	// Papers are the live records that could be read, in document order,
	// normalised and valid.
	Papers []*quire.Paper
	// Deleted are the ids of records whose header has status="deleted":
	// arXiv keeps deleted records persistently, and for Quire they mark a
	// paper withdrawn.
	Deleted []string
	// Withdrawn are the ids of papers in Papers that say they are withdrawn
	// (a comment such as "This paper has been withdrawn by the authors", or
	// an arXivRaw latest version whose source type is I, "ignore").
	Withdrawn []string
	// Malformed are the records that could not be read. They do not stop
	// the page: the other records are in Papers and Deleted.
	Malformed []*RecordError
	// Records counts the records on the page: live, deleted and malformed.
	Records int
	// LastDatestamp is the latest header datestamp on the page
	// ("2006-01-02"), or "" when the page has no records. A harvest whose
	// resumption token has expired restarts from it.
	LastDatestamp string
	// DeletedOn holds the header datestamp ("2006-01-02") of each record
	// in Deleted, by id: when arXiv deleted it.
	DeletedOn map[string]string
	// Token is the page's resumptionToken. Its Value is "" on the last page.
	Token ResumptionToken
}

// ResumptionToken is the resumptionToken element of a page.
type ResumptionToken struct {
	// Value is the token to send for the next page; "" when the list is
	// complete.
	Value string
	// Cursor is the position of the page's first record in the complete
	// list and CompleteListSize the size of the list; both are optional
	// in OAI-PMH and -1 when absent.
	Cursor           int
	CompleteListSize int
	// ExpirationDate is when the token stops being valid; zero when absent.
	ExpirationDate time.Time
}

// RecordError describes a record of a page that could not be read.
type RecordError struct {
	// Index is the record's position on the page, from 0.
	Index int
	// Identifier is the header's OAI identifier ("oai:arXiv.org:0704.0001"),
	// or "" when it has none.
	Identifier string
	// Err says what is wrong; it is of kind quire.ErrInvalid.
	Err error
}

func (e *RecordError) Error() string {
	return fmt.Sprintf("OAI-PMH record %d (%s): %v", e.Index, cmp.Or(e.Identifier, "no identifier"), e.Err)
}

func (e *RecordError) Unwrap() error { return e.Err }

// oaiIDPrefix starts every OAI identifier arXiv gives.
const oaiIDPrefix = "oai:arXiv.org:"

// The XML of a response. Elements are matched by local name: the OAI-PMH,
// arXiv and arXivRaw namespaces share none of the local names read here.
type oaiRecord struct {
	Header   oaiHeader `xml:"header"`
	Metadata struct {
		ArXiv *arXivMeta    `xml:"arXiv"`
		Raw   *arXivRawMeta `xml:"arXivRaw"`
		Any   *struct {
			XMLName xml.Name
		} `xml:",any"`
	} `xml:"metadata"`
}

type oaiHeader struct {
	Status     string `xml:"status,attr"`
	Identifier string `xml:"identifier"`
	Datestamp  string `xml:"datestamp"`
}

type oaiToken struct {
	Value            string `xml:",chardata"`
	Cursor           string `xml:"cursor,attr"`
	CompleteListSize string `xml:"completeListSize,attr"`
	ExpirationDate   string `xml:"expirationDate,attr"`
}

type oaiErrorElem struct {
	Code    string `xml:"code,attr"`
	Message string `xml:",chardata"`
}

// arXivMeta is the arXiv format (http://arxiv.org/OAI/arXiv/).
type arXivMeta struct {
	ID         string        `xml:"id"`
	Created    string        `xml:"created"`
	Updated    string        `xml:"updated"`
	Authors    []arXivAuthor `xml:"authors>author"`
	Title      string        `xml:"title"`
	Categories string        `xml:"categories"`
	Comments   string        `xml:"comments"`
	JournalRef string        `xml:"journal-ref"`
	DOI        string        `xml:"doi"`
	License    string        `xml:"license"`
	Abstract   string        `xml:"abstract"`
}

type arXivAuthor struct {
	Keyname   string `xml:"keyname"`
	Forenames string `xml:"forenames"`
	Suffix    string `xml:"suffix"`
}

// arXivRawMeta is the arXivRaw format (http://arxiv.org/OAI/arXivRaw/).
// The submitter is not kept.
type arXivRawMeta struct {
	ID         string            `xml:"id"`
	Versions   []arXivRawVersion `xml:"version"`
	Title      string            `xml:"title"`
	Authors    string            `xml:"authors"`
	Categories string            `xml:"categories"`
	Comments   string            `xml:"comments"`
	JournalRef string            `xml:"journal-ref"`
	DOI        string            `xml:"doi"`
	License    string            `xml:"license"`
	Abstract   string            `xml:"abstract"`
}

type arXivRawVersion struct {
	Version    string `xml:"version,attr"` // "v1"
	Date       string `xml:"date"`         // "Mon, 2 Apr 2007 19:18:42 GMT"
	SourceType string `xml:"source_type"`
}

// ParseListRecords parses an OAI-PMH 2.0 ListRecords response
// (http://www.openarchives.org/OAI/openarchivesprotocol.html) whose records
// are in the arXiv or arXivRaw format. Each live record becomes a
// normalised, valid quire.Paper; deleted records give their ids; a record
// that cannot be read is reported in Malformed and the others are kept.
//
// Errors:
//   - *OAIError when the response reports an OAI-PMH error (test with
//     errors.Is against ErrNoRecordsMatch, ErrBadResumptionToken, …).
//   - ErrTruncated (of kind quire.ErrInvalid) when the body ends before
//     the document does.
//   - quire.ErrInvalid when the body is not an OAI-PMH response.
func ParseListRecords(body []byte) (*OAIPage, error) {
	d := xml.NewDecoder(bytes.NewReader(trimBOM(body)))
	page := &OAIPage{Token: ResumptionToken{Cursor: -1, CompleteListSize: -1}}
	var oaiErr *OAIError
	depth, sawRoot, inList := 0, false, false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, oaiSyntaxError(body, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth == 1:
				if t.Name.Local != "OAI-PMH" {
					return nil, quire.Invalidf("OAI-PMH response: the root element is <%s>, not <OAI-PMH>", clipString(t.Name.Local))
				}
				sawRoot = true
			case depth == 2 && t.Name.Local == "responseDate":
				var s string
				if err := d.DecodeElement(&s, &t); err != nil {
					return nil, oaiSyntaxError(body, err)
				}
				depth--
				page.ResponseDate, _ = time.Parse(time.RFC3339, strings.TrimSpace(s))
			case depth == 2 && t.Name.Local == "error":
				var e oaiErrorElem
				if err := d.DecodeElement(&e, &t); err != nil {
					return nil, oaiSyntaxError(body, err)
				}
				depth--
				if oaiErr == nil {
					oaiErr = newOAIError(e.Code, e.Message)
				}
			case depth == 2 && t.Name.Local == "ListRecords":
				inList = true
			case depth == 3 && inList && t.Name.Local == "record":
				var r oaiRecord
				if err := d.DecodeElement(&r, &t); err != nil {
					return nil, oaiSyntaxError(body, err)
				}
				depth--
				page.add(&r)
			case depth == 3 && inList && t.Name.Local == "resumptionToken":
				var rt oaiToken
				if err := d.DecodeElement(&rt, &t); err != nil {
					return nil, oaiSyntaxError(body, err)
				}
				depth--
				if page.Token, err = parseToken(&rt); err != nil {
					return nil, err
				}
			default:
				// Elements Quire does not read (<request>, or anything
				// else) are skipped whole.
				if err := d.Skip(); err != nil {
					return nil, oaiSyntaxError(body, err)
				}
				depth--
			}
		case xml.EndElement:
			depth--
			if depth == 1 && t.Name.Local == "ListRecords" {
				inList = false
			}
		}
	}
	switch {
	case !sawRoot:
		return nil, oaiSyntaxError(body, io.ErrUnexpectedEOF)
	case oaiErr != nil:
		return nil, oaiErr
	}
	return page, nil
}

// add converts one record and files it on the page.
func (page *OAIPage) add(r *oaiRecord) {
	index := page.Records
	page.Records++
	fail := func(err error) {
		page.Malformed = append(page.Malformed, &RecordError{Index: index, Identifier: quire.OneLine(r.Header.Identifier), Err: err})
	}
	stamp, err := parseDatestamp(r.Header.Datestamp)
	if err != nil {
		fail(err)
		return
	}
	if stamp > page.LastDatestamp {
		page.LastDatestamp = stamp
	}
	if strings.TrimSpace(r.Header.Status) == "deleted" {
		id, err := oaiIdentifierID(r.Header.Identifier)
		if err != nil {
			fail(err)
			return
		}
		page.Deleted = append(page.Deleted, id)
		if page.DeletedOn == nil {
			page.DeletedOn = make(map[string]string)
		}
		page.DeletedOn[id] = stamp
		return
	}
	var p *quire.Paper
	var withdrawn bool
	switch m := &r.Metadata; {
	case m.ArXiv != nil:
		p, withdrawn, err = m.ArXiv.paper()
	case m.Raw != nil:
		p, withdrawn, err = m.Raw.paper()
	case m.Any != nil:
		err = quire.Invalidf("metadata in the format <%s> cannot be read; use metadataPrefix %s or %s", clipString(m.Any.XMLName.Local), PrefixArXiv, PrefixArXivRaw)
	default:
		err = quire.Invalidf("the record is neither deleted nor has metadata")
	}
	if err != nil {
		fail(err)
		return
	}
	if hid, err := oaiIdentifierID(r.Header.Identifier); err == nil && hid != p.ID {
		fail(quire.Invalidf("the header names %s but the metadata %s", hid, p.ID))
		return
	}
	page.Papers = append(page.Papers, p)
	if withdrawn {
		page.Withdrawn = append(page.Withdrawn, p.ID)
	}
}

// paper converts an arXiv-format record. created is the date of v1 and
// updated that of the latest version; the format has no version numbers.
func (m *arXivMeta) paper() (p *quire.Paper, withdrawn bool, err error) {
	id, version, err := metadataID(m.ID)
	if err != nil {
		return nil, false, err
	}
	p = &quire.Paper{
		ID:         id,
		Version:    version,
		Title:      m.Title,
		Abstract:   m.Abstract,
		Categories: strings.Fields(m.Categories),
		Comments:   m.Comments,
		JournalRef: m.JournalRef,
		DOI:        strings.TrimSpace(m.DOI),
		License:    strings.TrimSpace(m.License),
		CodeURL:    FindCodeURL(m.Abstract, m.Comments),
	}
	parsed := make([][]string, 0, len(m.Authors))
	for _, a := range m.Authors {
		parsed = append(parsed, []string{a.Keyname, a.Forenames, a.Suffix})
	}
	p.Authors = parsedAuthors(parsed)
	if p.PublishedAt, err = metadataDay(id, "created", m.Created); err != nil {
		return nil, false, err
	}
	if p.UpdatedAt, err = metadataDay(id, "updated", m.Updated); err != nil {
		return nil, false, err
	}
	if p.UpdatedAt.IsZero() {
		p.UpdatedAt = p.PublishedAt
	}
	if err := finish(p); err != nil {
		return nil, false, err
	}
	return p, saysWithdrawn(p.Comments), nil
}

// paper converts an arXivRaw record: the version history gives the
// version, PublishedAt (v1) and UpdatedAt (the latest).
func (m *arXivRawMeta) paper() (p *quire.Paper, withdrawn bool, err error) {
	id, version, err := metadataID(m.ID)
	if err != nil {
		return nil, false, err
	}
	p = &quire.Paper{
		ID:         id,
		Version:    version,
		Title:      m.Title,
		Abstract:   m.Abstract,
		Authors:    splitAuthors(m.Authors),
		Categories: strings.Fields(m.Categories),
		Comments:   m.Comments,
		JournalRef: m.JournalRef,
		DOI:        strings.TrimSpace(m.DOI),
		License:    strings.TrimSpace(m.License),
		CodeURL:    FindCodeURL(m.Abstract, m.Comments),
	}
	latestSource := ""
	for _, v := range m.Versions {
		digits, ok := strings.CutPrefix(strings.TrimSpace(v.Version), "v")
		n, err := strconv.Atoi(digits)
		if !ok || err != nil || n < 1 {
			return nil, false, quire.Invalidf("%s: version %q is not of the form v1", id, clipString(v.Version))
		}
		t, err := time.ParseInLocation(kaggleTimeLayout, strings.TrimSpace(v.Date), time.UTC)
		if err != nil {
			return nil, false, quire.Invalidf("%s: the date of v%d, %q, is not of the form %q", id, n, clipString(v.Date), kaggleTimeLayout)
		}
		if len(p.Versions) > 0 && n <= p.Versions[len(p.Versions)-1].N {
			return nil, false, quire.Invalidf("%s: versions are not listed in increasing order", id)
		}
		p.Versions = append(p.Versions, quire.Version{N: n, CreatedAt: t})
		latestSource = v.SourceType
	}
	if n := len(p.Versions); n > 0 {
		p.PublishedAt = p.Versions[0].CreatedAt
		p.UpdatedAt = p.Versions[n-1].CreatedAt
		p.Version = p.Versions[n-1].N
	}
	if err := finish(p); err != nil {
		return nil, false, err
	}
	// Source type I ("ignore") marks a version whose files were withdrawn.
	return p, saysWithdrawn(p.Comments) || strings.Contains(latestSource, "I"), nil
}

// finish normalises and validates a paper read from a record.
func finish(p *quire.Paper) error {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return quire.Invalidf("%s", quire.UserMessage(err))
	}
	return nil
}

// saysWithdrawn reports whether comments announce a withdrawal, as arXiv's
// withdrawal notices do: "This paper has been withdrawn by the author(s)…".
func saysWithdrawn(comments string) bool {
	c := strings.ToLower(comments)
	for _, what := range []string{"paper", "article", "submission", "manuscript", "preprint"} {
		if strings.Contains(c, "this "+what+" has been withdrawn") {
			return true
		}
	}
	return false
}

// metadataID parses the <id> of a record's metadata.
func metadataID(s string) (string, int, error) {
	if strings.TrimSpace(s) == "" {
		return "", 0, quire.Invalidf("the metadata has no id")
	}
	id, version, err := ParseID(s)
	if err != nil {
		return "", 0, quire.Invalidf("metadata id: %s", quire.UserMessage(err))
	}
	return id, version, nil
}

// oaiIdentifierID turns "oai:arXiv.org:hep-th/9901001" into the arXiv id.
func oaiIdentifierID(s string) (string, error) {
	s = strings.TrimSpace(s)
	rest, ok := cutPrefixFold(s, oaiIDPrefix)
	if !ok {
		return "", quire.Invalidf("OAI identifier %s does not start with %s", quote(s), oaiIDPrefix)
	}
	id, _, err := ParseID(rest)
	if err != nil {
		return "", quire.Invalidf("OAI identifier %s: %s", quote(s), quire.UserMessage(err))
	}
	return id, nil
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if !hasPrefixFold(s, prefix) {
		return s, false
	}
	return s[len(prefix):], true
}

// datestampLayout is arXiv's datestamp granularity (Identify says
// YYYY-MM-DD); the harvester sends from and until in the same form.
const datestampLayout = "2006-01-02"

// parseDatestamp checks a header datestamp and returns it at day
// granularity. OAI-PMH also allows a UTC time; its day is kept.
func parseDatestamp(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) == len("2006-01-02T15:04:05Z") {
		if t, err := time.Parse(time.RFC3339, s); err == nil && strings.HasSuffix(s, "Z") {
			return t.Format(datestampLayout), nil
		}
	}
	if _, err := time.Parse(datestampLayout, s); err != nil {
		return "", quire.Invalidf("datestamp %q is not of the form YYYY-MM-DD", clipString(s))
	}
	return s, nil
}

// metadataDay parses <created> or <updated>; absent is the zero time.
func metadataDay(id, field, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(datestampLayout, s)
	if err != nil {
		return time.Time{}, quire.Invalidf("%s: %s %q is not of the form YYYY-MM-DD", id, field, clipString(s))
	}
	return t, nil
}

// parseToken reads a resumptionToken element.
func parseToken(rt *oaiToken) (ResumptionToken, error) {
	tok := ResumptionToken{Value: strings.TrimSpace(rt.Value), Cursor: -1, CompleteListSize: -1}
	count := func(name, s string) (int, error) {
		s = strings.TrimSpace(s)
		if s == "" {
			return -1, nil
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return 0, quire.Invalidf("OAI-PMH response: resumptionToken %s %q is not a count", name, clipString(s))
		}
		return n, nil
	}
	var err error
	if tok.Cursor, err = count("cursor", rt.Cursor); err != nil {
		return tok, err
	}
	if tok.CompleteListSize, err = count("completeListSize", rt.CompleteListSize); err != nil {
		return tok, err
	}
	if s := strings.TrimSpace(rt.ExpirationDate); s != "" {
		if tok.ExpirationDate, err = time.Parse(time.RFC3339, s); err != nil {
			return tok, quire.Invalidf("OAI-PMH response: resumptionToken expirationDate %q is not a UTC time", clipString(s))
		}
	}
	return tok, nil
}

// ErrTruncated: a response body ends before its document does, as when a
// connection drops mid-transfer; worth fetching again.
var ErrTruncated = errors.New("the OAI-PMH response ends before the document is complete")

// oaiSyntaxError explains why body is not an OAI-PMH response without
// echoing it.
func oaiSyntaxError(body []byte, err error) error {
	var se *xml.SyntaxError
	switch {
	case len(bytes.TrimSpace(body)) == 0:
		return quire.Invalidf("OAI-PMH response is empty")
	case !bytes.Contains(body, []byte("<")):
		return quire.Invalidf("OAI-PMH response is not XML")
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.As(err, &se) && strings.Contains(se.Msg, "unexpected EOF"):
		return &truncatedError{}
	case errors.As(err, &se):
		return quire.Invalidf("OAI-PMH response is not valid XML (line %d: %s)", se.Line, clipString(se.Msg))
	case strings.Contains(err.Error(), "CharsetReader"):
		return quire.Invalidf("OAI-PMH response is not encoded in UTF-8")
	}
	return quire.Invalidf("OAI-PMH response is not readable XML")
}

// truncatedError is ErrTruncated with the kind quire.ErrInvalid.
type truncatedError struct{}

var truncatedMessage = quire.Invalidf("OAI-PMH response ends before the document is complete")

func (*truncatedError) Error() string { return ErrTruncated.Error() }
func (*truncatedError) Unwrap() []error {
	return []error{ErrTruncated, truncatedMessage}
}

// OAI-PMH error codes that the harvester reacts to; an *OAIError matches
// the one of its code with errors.Is.
var (
	// ErrNoRecordsMatch: nothing matches from, until and set; for a
	// harvest this means there is nothing new, not a failure.
	ErrNoRecordsMatch = errors.New("OAI-PMH noRecordsMatch")
	// ErrBadResumptionToken: the token is invalid or has expired; the
	// harvest restarts from its last datestamp.
	ErrBadResumptionToken = errors.New("OAI-PMH badResumptionToken")
	// ErrBadArgument: the request's arguments are wrong (a set or date
	// that the repository refuses).
	ErrBadArgument = errors.New("OAI-PMH badArgument")
	// ErrCannotDisseminateFormat: the metadataPrefix is not served.
	ErrCannotDisseminateFormat = errors.New("OAI-PMH cannotDisseminateFormat")
)

// OAIError is an error that an OAI-PMH response reports in an <error>
// element. When a response holds several, the first is kept.
type OAIError struct {
	// Code is the OAI-PMH error code, such as "badArgument".
	Code string
	// Message is the repository's description.
	Message string
}

func newOAIError(code, msg string) *OAIError {
	return &OAIError{Code: quire.OneLine(code), Message: clipMessage(quire.OneLine(msg))}
}

func (e *OAIError) Error() string {
	if e.Message == "" {
		return "OAI-PMH error " + e.Code
	}
	return "OAI-PMH error " + e.Code + ": " + e.Message
}

// Unwrap gives the error its sentinel and, for errors that come from the
// harvest's settings (a set, a date or a format the repository refuses),
// the kind quire.ErrInvalid with a message for the operator.
func (e *OAIError) Unwrap() []error {
	switch e.Code {
	case "noRecordsMatch":
		return []error{ErrNoRecordsMatch}
	case "badResumptionToken":
		return []error{ErrBadResumptionToken}
	case "badArgument":
		return []error{ErrBadArgument, quire.Invalidf("arXiv's OAI-PMH interface refused the harvest's arguments (set, from or until): %s", e.Message)}
	case "cannotDisseminateFormat":
		return []error{ErrCannotDisseminateFormat, quire.Invalidf("arXiv's OAI-PMH interface does not serve that metadata format: %s", e.Message)}
	}
	return nil
}
