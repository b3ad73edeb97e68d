package main

import "testing"

func TestDescribe(t *testing.T) {
	for _, tc := range []struct{ summary, title, want string }{
		{
			"EnvHarness and EnvRigger dynamically reshape static environments via programmable plugins to target agent weaknesses and improve reinforcement learning co-evolution.",
			"EnvHarness: Awakening Static Worlds for Agent Learning",
			"and dynamically reshape environments via programmable plugins to target weaknesses and improve reinforcement co-evolution.",
		},
		{
			"A new LLM method using GPT-4 and LoRA improves Transformer accuracy on ImageNet. It works well.",
			"Something Else",
			"A new method using and improves accuracy on It works well.",
		},
	} {
		if got := Describe(tc.summary, tc.title); got != tc.want {
			t.Errorf("Describe(%q)\n got %q\nwant %q", tc.summary, got, tc.want)
		}
	}
}
