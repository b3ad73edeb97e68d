package arxiv

import (
	"strings"
)

// FindCodeURL returns the first link to a code repository in texts (searched
// in order, e.g. abstract then comments), normalised to https://host/owner/repo,
// or "" when there is none. It recognises GitHub, GitLab (nested groups
// included), Codeberg and Hugging Face model, dataset and Space repositories,
// with or without scheme, as plain text or inside LaTeX (\url{…}, \href{…}{…},
// "\_" for "_"). Subpages such as /tree/main/… and a ".git" suffix are dropped;
// profile pages and Hugging Face paper pages are not repositories.
func FindCodeURL(texts ...string) string {
	for _, t := range texts {
		if u := findCodeURL(t); u != "" {
			return u
		}
	}
	return ""
}

// A codeHost is a site whose links FindCodeURL recognises. Each is found by
// its top-level domain marker (".com/"), after which the name before it is
// compared without regard to case ("GitHub.com/…" occurs in real abstracts).
type codeHost struct {
	name   string // the host's name before marker, e.g. "github"
	marker string // the top-level domain and slash, e.g. ".com/"
	// repo picks the repository path out of the link's path segments.
	repo func(segs []string) (string, bool)
}

var codeHosts = []codeHost{
	{"github", ".com/", githubRepo},
	{"gitlab", ".com/", gitlabRepo},
	{"huggingface", ".co/", huggingfaceRepo},
	{"codeberg", ".org/", ownerRepo},
}

// markers are the distinct codeHost markers, so each is searched once.
var markers = []string{".com/", ".co/", ".org/"}

func findCodeURL(s string) string {
	// Fast path: most abstracts have no link at all.
	if !strings.Contains(s, ".com/") && !strings.Contains(s, ".co/") && !strings.Contains(s, ".org/") {
		return ""
	}
	best, bestAt := "", len(s)
	for _, m := range markers {
		for from := 0; from < bestAt; {
			i := strings.Index(s[from:], m)
			if i < 0 {
				break
			}
			i += from
			if i >= bestAt {
				break
			}
			from = i + 1
			if u, start, ok := codeURLAt(s, i, m); ok && start < bestAt {
				best, bestAt = u, start
				break
			}
		}
	}
	return best
}

// codeURLAt checks whether the marker m found at s[i:] ends the host of a
// code repository link, and if so returns the normalised link and the index
// where its host starts.
func codeURLAt(s string, i int, m string) (u string, start int, ok bool) {
	for _, h := range codeHosts {
		if h.marker != m || i < len(h.name) || !strings.EqualFold(s[i-len(h.name):i], h.name) {
			continue
		}
		start = i - len(h.name)
		if !hostBoundary(s, start) {
			return "", 0, false
		}
		// Tolerate a stray space, line break or slash after the host
		// ("https://github.com/ owner/repo", "github.com//owner/repo").
		rest := s[i+len(m):]
		for k := 0; k < 2 && rest != "" && (rest[0] == ' ' || rest[0] == '\n' || rest[0] == '/'); k++ {
			rest = rest[1:]
		}
		segs := pathSegments(rest)
		path, ok := h.repo(segs)
		if !ok {
			return "", 0, false
		}
		return "https://" + h.name + m + path, start, true
	}
	return "", 0, false
}

// hostBoundary reports whether a host name starting at s[start] stands on
// its own: not part of a longer name such as gist.github.com or an address
// such as noreply@github.com. "www." is allowed. A letter before it is
// accepted, since "atgithub.com/…" (a missing space) occurs in real text.
func hostBoundary(s string, start int) bool {
	if start == 0 {
		return true
	}
	switch s[start-1] {
	case '@', '-', '_':
		return false
	case '.':
		w := start - 1
		return w >= 3 && strings.EqualFold(s[w-3:w], "www") && (w == 3 || !isNameByte(s[w-4]))
	}
	return true
}

// pathSegments reads the link path at the start of s, up to the first byte
// that cannot be part of a repository path, and splits it at "/". LaTeX's
// "\_" is read as "_".
func pathSegments(s string) []string {
	const maxPath = 300
	var buf [maxPath]byte
	b := buf[:0]
	for i := 0; i < len(s) && len(b) < maxPath; i++ {
		c := s[i]
		switch {
		case isNameByte(c) || c == '/':
			b = append(b, c)
		case c == '\\' && i+1 < len(s) && s[i+1] == '_':
			b = append(b, '_')
			i++
		default:
			i = len(s)
		}
	}
	return strings.Split(string(b), "/")
}

func isNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.'
}

// cleanName strips what follows a repository or owner name in prose (a full
// stop) or in a clone URL (".git"), and reports whether a name remains.
func cleanName(seg string) (string, bool) {
	seg = strings.TrimRight(seg, ".")
	for len(seg) > 4 && strings.EqualFold(seg[len(seg)-4:], ".git") {
		seg = strings.TrimRight(seg[:len(seg)-4], ".")
	}
	if seg == "" || strings.Trim(seg, "-_.") == "" {
		return "", false
	}
	return seg, true
}

// ownerRepo takes the first two segments: owner/repo (Codeberg, and GitHub
// after its reserved names are excluded).
func ownerRepo(segs []string) (string, bool) {
	if len(segs) < 2 {
		return "", false
	}
	owner, ok1 := cleanName(segs[0])
	repo, ok2 := cleanName(segs[1])
	if !ok1 || !ok2 || owner != segs[0] {
		return "", false
	}
	return owner + "/" + repo, true
}

// githubReserved are first path segments of github.com that are site pages,
// not accounts.
var githubReserved = map[string]bool{
	"about": true, "apps": true, "collections": true, "contact": true, "enterprise": true,
	"events": true, "explore": true, "features": true, "issues": true, "login": true,
	"marketplace": true, "notifications": true, "orgs": true, "organizations": true,
	"pricing": true, "pulls": true, "search": true, "security": true, "settings": true,
	"site": true, "sponsors": true, "topics": true, "trending": true, "users": true,
}

func githubRepo(segs []string) (string, bool) {
	if len(segs) > 0 && githubReserved[strings.ToLower(segs[0])] {
		return "", false
	}
	return ownerRepo(segs)
}

// huggingfaceReserved are first path segments of huggingface.co that are
// not repositories (paper pages above all).
var huggingfaceReserved = map[string]bool{
	"papers": true, "collections": true, "docs": true, "blog": true, "posts": true,
	"learn": true, "tasks": true, "settings": true, "organizations": true,
	"join": true, "login": true, "new": true, "pricing": true, "api": true,
	"chat": true, "search": true, "enterprise": true,
}

// huggingfaceRepo keeps the "spaces/" and "datasets/" prefixes, which are
// part of the repository's identity; models live at the top level, so a
// "models/" prefix is dropped.
func huggingfaceRepo(segs []string) (string, bool) {
	if len(segs) == 0 {
		return "", false
	}
	switch first := strings.ToLower(segs[0]); {
	case first == "spaces" || first == "datasets":
		path, ok := ownerRepo(segs[1:])
		return first + "/" + path, ok
	case first == "models":
		if len(segs) > 1 && (huggingfaceReserved[strings.ToLower(segs[1])] || isHFPrefix(segs[1])) {
			return "", false
		}
		return ownerRepo(segs[1:])
	case huggingfaceReserved[first]:
		return "", false
	}
	return ownerRepo(segs)
}

func isHFPrefix(seg string) bool {
	seg = strings.ToLower(seg)
	return seg == "spaces" || seg == "datasets" || seg == "models"
}

// gitlabStops are path segments that begin a project's subpage; everything
// before them is the (possibly nested) group and project path.
var gitlabStops = map[string]bool{
	"-": true, "tree": true, "blob": true, "raw": true, "issues": true,
	"merge_requests": true, "wikis": true, "commits": true, "commit": true,
	"releases": true, "tags": true, "branches": true, "pipelines": true,
}

var gitlabReserved = map[string]bool{
	"explore": true, "help": true, "users": true, "dashboard": true,
	"groups": true, "projects": true, "search": true,
}

func gitlabRepo(segs []string) (string, bool) {
	if len(segs) < 2 || gitlabReserved[strings.ToLower(segs[0])] {
		return "", false
	}
	var parts []string
	for _, seg := range segs {
		if gitlabStops[strings.ToLower(seg)] || len(parts) == 20 {
			break
		}
		name, ok := cleanName(seg)
		if !ok {
			break
		}
		parts = append(parts, name)
		if name != seg { // a trailing "." or ".git" ends the path
			break
		}
	}
	if len(parts) < 2 {
		return "", false
	}
	return strings.Join(parts, "/"), true
}
