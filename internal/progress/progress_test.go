package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestCount(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 74728: "74,728", 2900000: "2,900,000", -1234: "-1,234"} {
		if got := Count(n); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestLine(t *testing.T) {
	got := Line("importing x", 50, 100, 20000, 2*time.Second, false)
	want := "importing x  50% 2s left 20,000 records, 10,000/s\n"
	if got != want {
		t.Errorf("Line = %q, want %q", got, want)
	}
	got = Line("x", 25, 100, 10, time.Second, true)
	if !strings.HasPrefix(got, "\r\033[Kx [======                  ]  25% 3s left") {
		t.Errorf("terminal Line = %q", got)
	}
	if got := Line("x", 5, 0, 10, time.Second, false); got != "x 10 records, 10/s\n" {
		t.Errorf("unknown total Line = %q", got)
	}
}

func TestBarFinish(t *testing.T) {
	var buf bytes.Buffer
	b := Start(&buf, "import", 1000)
	b.Set(400, 4)
	b.Finish()
	b.Finish() // idempotent
	if got := buf.String(); !strings.Contains(got, "import 100% 4 records") {
		t.Errorf("final report = %q", got)
	}
}
