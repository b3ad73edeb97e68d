package input

import (
	"quire"
)

// SaveIDs returns the paper ids of a save without repeats, in the order
// given. An id no stored paper can have is an error of kind
// quire.ErrNotFound, as an unknown paper is, and so is a batch larger than
// a list may hold.
func SaveIDs(ids []string) ([]string, error) {
	if len(ids) > quire.MaxListPapers {
		return nil, quire.Invalidf("A list holds at most %d papers; %d were given.", quire.MaxListPapers, len(ids))
	}
	out := make([]string, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if !PaperIDOK(id) {
			return nil, quire.NotFoundf("Paper %q is not in the catalogue.", id)
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, nil
}

// DOIKeys groups dois by the key stores match them on: the DOI in ASCII
// lower case (DOIs ignore case). Empty DOIs and ones holding anything but
// printable ASCII are left out: SQLite's lower() folds ASCII only, and the
// backends must agree.
func DOIKeys(dois []string) map[string][]string {
	keys := make(map[string][]string, len(dois))
	for _, d := range dois {
		if d == "" || len(d) > 1000 || !printableASCII(d) {
			continue
		}
		k := asciiLower(d)
		keys[k] = append(keys[k], d)
	}
	return keys
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
