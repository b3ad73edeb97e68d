package arxiv

import "testing"

func TestLatexToUnicode(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`C. Bal\'azs`, "C. Balázs"},
		{`Bal\'{a}zs`, "Balázs"},
		{`{\'a}`, "á"},
		{`{\'{a}}`, "á"},
		{`G\"ahler`, "Gähler"},
		{`R. Tom\` + "`" + `as`, "R. Tomàs"},
		{`Nu\~nez`, "Nuñez"},
		{`Fran\c{c}ois`, "François"},
		{`\c Cetin`, "Çetin"},
		{`{\c C}etin`, "Çetin"},
		{`Mikkel {\O}bro`, "Mikkel Øbro"},
		{`Bj\o rn`, "Bjørn"},
		{`Stra\ss{}e`, "Straße"},
		{`\v{S}r\'amek`, "Šrámek"},
		{`Tom\'a\v{s} Vina\v{r}`, "Tomáš Vinař"},
		{`Bro\v{n}a Brejov\'a`, "Broňa Brejová"},
		{`Erd\H{o}s`, "Erdős"},
		{`\L{}ukasz`, "Łukasz"},
		{`P\'{\i}a`, "Pía"},
		{`Gr\"{\i}n`, "Grïn"},
		{`\^{x}`, "x\u0302"}, // no precomposed letter: combining mark
		{`\.{Z}ebrowski`, "Żebrowski"},
		{`$\alpha$-decay`, `$\alpha$-decay`},
		{`\cite{x}`, `\cite{x}`},
		{`\vec{v}`, `\vec{v}`},
		{`trailing \`, `trailing \`},
		{`\'`, `\'`},
		{`\'{ab}`, `\'{ab}`},
		{`\\ newline`, `\\ newline`},
		{"plain", "plain"},
	} {
		if got := latexToUnicode(tc.in); got != tc.want {
			t.Errorf("latexToUnicode(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}
