package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestClusterLibrary runs a member's reading list, follows and personal
// feed through the API of two nodes on one PostgreSQL database, each write
// on one node and its read on the other: what the API serves on SQLite in
// the handler tests, it serves on PostgreSQL across nodes.
func TestClusterLibrary(t *testing.T) {
	c := MustStartCluster(t)
	ada := MustMember(t, c.a, "ada")
	ada.MustSubmit(t, c.a)
	anon := member{} // no token

	// A public list made on A, filled and annotated through both nodes.
	status, body := ada.send(t, c.a, "POST", "/api/lists", `{"name": "To read", "public": true}`)
	if status != 201 {
		t.Fatalf("POST /api/lists = %d %s", status, body)
	}
	var list struct{ ID int64 }
	if err := json.Unmarshal([]byte(body), &list); err != nil || list.ID == 0 {
		t.Fatalf("POST /api/lists answered %s (%v)", body, err)
	}
	base := fmt.Sprintf("/api/lists/%d", list.ID)
	if status, body := ada.send(t, c.b, "POST", base+"/papers", `{"ids": ["`+submittedPaper+`"]}`); status != 200 || !strings.Contains(body, `"added":1`) {
		t.Fatalf("save on B = %d %s", status, body)
	}
	if status, body := ada.send(t, c.a, "POST", base+"/note", `{"paper": "`+submittedPaper+`", "note": "Read section 3"}`); status != 204 {
		t.Fatalf("note on A = %d %s", status, body)
	}
	status, body = anon.send(t, c.b, "GET", base, "")
	if status != 200 || !strings.Contains(body, submittedPaper) || !strings.Contains(body, "Read section 3") {
		t.Errorf("the public list read on B without a token = %d %s", status, body)
	}
	status, body = ada.send(t, c.a, "GET", base+"/export?format=bibtex", "")
	if status != 200 || !strings.Contains(body, "@misc{arXiv:"+submittedPaper+",") || !strings.Contains(body, "Read section 3") {
		t.Errorf("BibTeX export on A = %d %s", status, body)
	}

	// A follow made on B is listed on A, and removed on A.
	status, body = ada.send(t, c.b, "POST", "/api/follows", `{"kind": "category", "name": "cs.CV", "digest": true}`)
	if status != 200 {
		t.Fatalf("POST /api/follows on B = %d %s", status, body)
	}
	var follow struct{ ID int64 }
	if err := json.Unmarshal([]byte(body), &follow); err != nil || follow.ID == 0 {
		t.Fatalf("POST /api/follows answered %s (%v)", body, err)
	}
	if status, body := ada.send(t, c.a, "GET", "/api/follows", ""); status != 200 || !strings.Contains(body, `"cs.CV"`) {
		t.Errorf("GET /api/follows on A = %d %s", status, body)
	}
	if status, body := ada.send(t, c.a, "DELETE", fmt.Sprintf("/api/follows/%d", follow.ID), ""); status != 200 || strings.Contains(body, `"cs.CV"`) {
		t.Errorf("DELETE the follow on A = %d %s", status, body)
	}

	// The personal feed on B counts the upvote made on A and the save.
	if status, body := ada.send(t, c.a, "POST", "/api/papers/"+submittedPaper+"/upvote", ""); status != 200 {
		t.Fatalf("upvote on A = %d %s", status, body)
	}
	status, body = ada.send(t, c.b, "GET", "/api/for-you", "")
	var feed struct {
		Signals int
		Papers  []json.RawMessage
	}
	if err := json.Unmarshal([]byte(body), &feed); status != 200 || err != nil {
		t.Fatalf("GET /api/for-you on B = %d %s (%v)", status, body, err)
	}
	if feed.Signals < 2 {
		t.Errorf("the feed on B counts %d signals, want the upvote and the save made elsewhere", feed.Signals)
	}
}
