package web

// The For you page's filled-in data for TestTemplates.
func init() {
	populated["foryou.html"] = &ForYouPage{
		BasePage: BasePage{PageTitle: "For you · Quire", Accounts: true, Username: "ada", CSRF: "tok"},
		Token:    "tok", Personal: true, Signals: 12, NotInterested: 2,
		Cards: []ForYouCard{{Card: Card{ID: "2506.10892", Href: "/papers/2506.10892", Title: "The Diffusion Duality", Snippet: "Duo…",
			Authors: "6 authors", Date: "Jun 12, 2025", DateISO: "2025-06-12", Upvotes: 5,
			Vote: VoteButton{Action: "/papers/2506.10892/vote", Return: "/for-you", Token: "tok"}}, Because: "Like papers you upvoted, saved or read"}},
		Categories: "cs.CL cs.LG", Authors: "Ada Lovelace\nAlan Turing", Papers: "2506.10892",
		Error: "Too many authors.", Notice: "You will not see that paper here again.", Undo: "2506.11924",
	}
}
