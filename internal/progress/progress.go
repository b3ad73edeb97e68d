// Package progress reports the progress of long operations: a redrawn bar
// with rate and time left on a terminal, a plain log line now and then
// otherwise.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// Bar tracks done/total units of work (bytes of input, usually) and a count
// of records, and reports them to w until Finish.
type Bar struct {
	w        io.Writer
	label    string
	total    int64
	terminal bool
	interval time.Duration

	mu      sync.Mutex
	done    int64
	records int64
	start   time.Time
	stop    chan struct{}
	stopped chan struct{}
}

// IsTerminal reports whether w is an interactive terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Start begins reporting on w: every 200 ms as a bar when w is a terminal,
// every 5 s as a log line otherwise. total may be 0 when unknown.
func Start(w io.Writer, label string, total int64) *Bar {
	b := &Bar{w: w, label: label, total: total, terminal: IsTerminal(w), start: time.Now(),
		stop: make(chan struct{}), stopped: make(chan struct{})}
	b.interval = 5 * time.Second
	if b.terminal {
		b.interval = 200 * time.Millisecond
	}
	go b.loop()
	return b
}

// Set records the work done so far.
func (b *Bar) Set(done, records int64) {
	b.mu.Lock()
	b.done, b.records = done, records
	b.mu.Unlock()
}

// Finish stops reporting and writes a last line.
func (b *Bar) Finish() {
	select {
	case <-b.stop:
		return
	default:
	}
	close(b.stop)
	<-b.stopped
	b.draw(true)
}

func (b *Bar) loop() {
	defer close(b.stopped)
	t := time.NewTicker(b.interval)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-t.C:
			b.draw(false)
		}
	}
}

func (b *Bar) draw(final bool) {
	b.mu.Lock()
	done, records := b.done, b.records
	b.mu.Unlock()
	if final && b.total > 0 {
		done = b.total
	}
	fmt.Fprint(b.w, Line(b.label, done, b.total, records, time.Since(b.start), b.terminal))
	if final && b.terminal {
		fmt.Fprintln(b.w)
	}
}

// Line formats one report: a bar (when terminal) or plain text, the share
// done, the records count, the record rate and the estimated time left.
func Line(label string, done, total, records int64, elapsed time.Duration, terminal bool) string {
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(records) / s
	}
	var sb strings.Builder
	if terminal {
		sb.WriteString("\r\033[K")
	}
	sb.WriteString(label)
	if total > 0 {
		frac := min(float64(done)/float64(total), 1)
		if terminal {
			const width = 24
			n := int(frac * width)
			sb.WriteString(" [" + strings.Repeat("=", n) + strings.Repeat(" ", width-n) + "]")
		}
		fmt.Fprintf(&sb, " %3.0f%%", frac*100)
		if frac > 0 && frac < 1 {
			left := time.Duration(float64(elapsed) * (1 - frac) / frac).Round(time.Second)
			fmt.Fprintf(&sb, " %s left", left)
		}
	}
	fmt.Fprintf(&sb, " %s records, %s/s", Count(records), Count(int64(rate)))
	if !terminal {
		sb.WriteString("\n")
	}
	return sb.String()
}

// Count formats n with thousands separators: 74728 → "74,728".
func Count(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}
