package metrics

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// validate checks names against the exposition format's grammar.
func (d *desc) validate() error {
	if !validName(d.name, true) {
		return fmt.Errorf("metrics: invalid metric name %q", d.name)
	}
	seen := make(map[string]bool, len(d.labelNames))
	for _, l := range d.labelNames {
		if !validName(l, false) || strings.HasPrefix(l, "__") {
			return fmt.Errorf("metrics: %s: invalid label name %q", d.name, l)
		}
		if d.typ == "histogram" && l == "le" {
			return fmt.Errorf("metrics: %s: label name \"le\" is reserved for histogram buckets", d.name)
		}
		if seen[l] {
			return fmt.Errorf("metrics: %s: duplicate label name %q", d.name, l)
		}
		seen[l] = true
	}
	for i, b := range d.buckets {
		if math.IsNaN(b) || (i > 0 && b <= d.buckets[i-1]) {
			return fmt.Errorf("metrics: %s: buckets must be increasing, got %v", d.name, d.buckets)
		}
	}
	return nil
}

// validName reports whether s matches [a-zA-Z_:][a-zA-Z0-9_:]* (metric
// names) or [a-zA-Z_][a-zA-Z0-9_]* (label names, colon false).
func validName(s string, colon bool) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(colon && c == ':') || (i > 0 && c >= '0' && c <= '9')
		if !ok {
			return false
		}
	}
	return true
}

// appendEscaped appends s with backslash and newline escaped, and double
// quotes too inside label values (HELP text leaves them as they are).
func appendEscaped(b []byte, s string, quote bool) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			b = append(b, `\\`...)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '"' && quote:
			b = append(b, `\"`...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// appendFloat formats v as the exposition format expects. Whole numbers are
// written without an exponent so that counters stay readable (1234567, not
// 1.234567e+06); both forms parse the same.
func appendFloat(b []byte, v float64) []byte {
	switch {
	case math.IsInf(v, 1):
		return append(b, "+Inf"...)
	case math.IsInf(v, -1):
		return append(b, "-Inf"...)
	case math.IsNaN(v):
		return append(b, "NaN"...)
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return strconv.AppendInt(b, int64(v), 10)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// appendSample appends one line: name{labels[,extra]} value. extraName is
// "" except for histogram buckets, where it is "le".
func appendSample(b []byte, name, suffix string, labelNames, values []string, extraName, extraValue string, v float64) []byte {
	b = append(b, name...)
	b = append(b, suffix...)
	if len(labelNames) > 0 || extraName != "" {
		b = append(b, '{')
		for i, l := range labelNames {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, l...)
			b = append(b, `="`...)
			b = appendEscaped(b, values[i], true)
			b = append(b, '"')
		}
		if extraName != "" {
			if len(labelNames) > 0 {
				b = append(b, ',')
			}
			b = append(b, extraName...)
			b = append(b, `="`...)
			b = append(b, extraValue...)
			b = append(b, '"')
		}
		b = append(b, '}')
	}
	b = append(b, ' ')
	b = appendFloat(b, v)
	return append(b, '\n')
}
