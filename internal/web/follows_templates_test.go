package web

// The follow pages' filled-in data for TestTemplates.
func init() {
	populated["topic.html"] = &TopicPage{
		BasePage: BasePage{PageTitle: "Ada Lovelace · Quire", Accounts: true, Username: "ada", CSRF: "tok"},
		Kind:     "author", Name: "Ada Lovelace", Heading: "Ada Lovelace",
		Cards:      []Card{{ID: "2506.10892", Href: "/papers/2506.10892", Title: "The Diffusion Duality", Authors: "2 authors"}},
		CoAuthors:  []TopicLink{{Name: "Charles Babbage", Href: "/authors/Charles%20Babbage", Count: 3}},
		Categories: []TopicLink{{Name: "math.HO", Href: "/categories/math.HO", Count: 2}},
		PageNumber: 2, PrevPage: "/authors/Ada%20Lovelace", NextPage: "/authors/Ada%20Lovelace?page=3",
		FeedBase: "/authors/Ada%20Lovelace/feed",
		Follow: FollowBox{On: true, Token: "tok", Return: "/authors/Ada%20Lovelace", Kind: "author", Name: "Ada Lovelace",
			CoAuthors: []string{"Charles Babbage"}, Categories: []string{"math.HO"},
			Following: []FollowRow{{ID: 1, Kind: "author", Title: "Ada Lovelace (in math.HO)", Href: "/authors/Ada%20Lovelace", Digest: true}}},
	}
	populated["following.html"] = &FollowingPage{
		BasePage: BasePage{PageTitle: "Following · Quire", Accounts: true, Username: "ada", CSRF: "tok"},
		Token:    "tok",
		Authors: []FollowRow{{ID: 1, Kind: "author", Title: "Ada Lovelace (with Charles Babbage)", Href: "/authors/Ada%20Lovelace",
			Name: "Ada Lovelace", CoAuthor: "Charles Babbage"}},
		Categories: []FollowRow{{ID: 2, Kind: "category", Title: "cs.CL", Href: "/categories/cs.CL", Digest: true, Name: "cs.CL"}},
		Papers:     []FollowedRow{{Href: "/papers/2506.10892", Title: "The Diffusion Duality", Date: "Jun 16, 2025", DateISO: "2025-06-16", Because: "cs.CL"}},
		Days:       30,
	}
}
