package auth

import (
	"strings"
	"unicode/utf8"

	"quire"
)

// Password length limits. The minimum counts characters, so that a
// password in a non-Latin script is not held to a lower bar; the maximum
// counts bytes, since it is there to bound the cost of hashing.
const (
	MinPasswordLen   = 8
	MaxPasswordBytes = 1024
)

// ValidatePassword checks a new password against the policy: valid UTF-8,
// at least MinPasswordLen characters, at most MaxPasswordBytes bytes, not
// only white space, not one character repeated and not one of the most
// common passwords. The password is used exactly as typed (no trimming), as
// it will be compared exactly as typed. Errors are of kind quire.ErrInvalid
// with messages meant for the person choosing the password.
func ValidatePassword(pw string) error {
	switch {
	case len(pw) > MaxPasswordBytes:
		return errPasswordTooLong
	case !utf8.ValidString(pw):
		return quire.Invalidf("The password contains bytes that are not valid text; please type it again.")
	case utf8.RuneCountInString(pw) < MinPasswordLen:
		return quire.Invalidf("Passwords must be at least %d characters long.", MinPasswordLen)
	case strings.TrimSpace(pw) == "":
		return quire.Invalidf("A password cannot be only spaces.")
	case onlyOneRune(pw):
		return quire.Invalidf("A password cannot be a single character repeated.")
	case commonPasswords[strings.ToLower(pw)]:
		return quire.Invalidf("This password is one of the most common ones; please choose another.")
	}
	return nil
}

func onlyOneRune(s string) bool {
	first, _ := utf8.DecodeRuneInString(s)
	return strings.Trim(s, string(first)) == ""
}

// commonPasswords are the most frequent passwords of eight characters or
// more in public breach lists, lower-cased. Guessing attacks try them first.
var commonPasswords = map[string]bool{
	"12345678": true, "123456789": true, "1234567890": true, "87654321": true,
	"12341234": true, "123123123": true, "1q2w3e4r": true, "1q2w3e4r5t": true,
	"1qaz2wsx": true, "abcd1234": true, "abc12345": true, "qwerty123": true,
	"qwertyuiop": true, "qwertyui": true, "asdfghjkl": true, "password": true,
	"password1": true, "password12": true, "password123": true, "passw0rd": true,
	"p@ssw0rd": true, "iloveyou": true, "sunshine": true, "princess": true,
	"football": true, "baseball": true, "superman": true, "trustno1": true,
	"welcome1": true, "letmein1": true, "starwars": true, "whatever": true,
	"michelle": true, "jennifer": true, "computer": true, "zaq12wsx": true,
}
