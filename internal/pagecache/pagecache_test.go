package pagecache

import (
	"bytes"
	"testing"
	"time"
)

func TestCache(t *testing.T) {
	now := time.Date(2025, 6, 16, 12, 0, 0, 0, time.UTC)
	c := New(3*time.Second, func() time.Time { return now })

	if _, ok := c.Get("/"); ok {
		t.Fatal("empty cache has a page")
	}
	body := []byte("<p>page</p>")
	c.Put("/", body)
	body[0] = 'X' // the cache keeps its own copy of the pooled buffer
	if got, ok := c.Get("/"); !ok || string(got) != "<p>page</p>" {
		t.Fatalf("get(/) = %q, %v; want the stored page", got, ok)
	}
	if _, ok := c.Get("/?sort=new"); ok {
		t.Error("a page is served under another query")
	}

	now = now.Add(3 * time.Second)
	if _, ok := c.Get("/"); ok {
		t.Error("an expired page is served")
	}

	// A full cache makes room by dropping expired pages only.
	big := bytes.Repeat([]byte("x"), MaxBytes/2)
	c.Put("/a", big)
	c.Put("/b", big)
	if _, ok := c.Get("/b"); !ok {
		t.Fatal("/b not stored though the expired / could be dropped")
	}
	c.Put("/c", big)
	if _, ok := c.Get("/c"); ok {
		t.Error("/c stored beyond the size limit")
	}
	if c.Size() > MaxBytes {
		t.Errorf("cache holds %d bytes, limit %d", c.Size(), MaxBytes)
	}
	now = now.Add(time.Hour)
	c.Put("/c", big)
	if _, ok := c.Get("/c"); !ok {
		t.Error("/c not stored after the others expired")
	}

	c.Purge()
	if _, ok := c.Get("/c"); ok || c.Size() != 0 {
		t.Errorf("purge left pages behind (size %d)", c.Size())
	}
}
