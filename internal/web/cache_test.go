package web

import (
	"bytes"
	"testing"
	"time"
)

func TestPageCache(t *testing.T) {
	now := time.Date(2025, 6, 16, 12, 0, 0, 0, time.UTC)
	c := newPageCache(3*time.Second, func() time.Time { return now })

	if _, ok := c.get("/"); ok {
		t.Fatal("empty cache has a page")
	}
	body := []byte("<p>page</p>")
	c.put("/", body)
	body[0] = 'X' // the cache keeps its own copy of the pooled buffer
	if got, ok := c.get("/"); !ok || string(got) != "<p>page</p>" {
		t.Fatalf("get(/) = %q, %v; want the stored page", got, ok)
	}
	if _, ok := c.get("/?sort=new"); ok {
		t.Error("a page is served under another query")
	}

	now = now.Add(3 * time.Second)
	if _, ok := c.get("/"); ok {
		t.Error("an expired page is served")
	}

	// A full cache makes room by dropping expired pages only.
	big := bytes.Repeat([]byte("x"), maxCacheBytes/2)
	c.put("/a", big)
	c.put("/b", big)
	if _, ok := c.get("/b"); !ok {
		t.Fatal("/b not stored though the expired / could be dropped")
	}
	c.put("/c", big)
	if _, ok := c.get("/c"); ok {
		t.Error("/c stored beyond the size limit")
	}
	if c.size > maxCacheBytes {
		t.Errorf("cache holds %d bytes, limit %d", c.size, maxCacheBytes)
	}
	now = now.Add(time.Hour)
	c.put("/c", big)
	if _, ok := c.get("/c"); !ok {
		t.Error("/c not stored after the others expired")
	}

	c.purge()
	if _, ok := c.get("/c"); ok || c.size != 0 {
		t.Errorf("purge left pages behind (size %d)", c.size)
	}
}
