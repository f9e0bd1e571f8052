package account

import "testing"

func TestSafeNext(t *testing.T) {
	tests := []struct{ next, want string }{
		{"/account/orders", "/account/orders"},
		{"/quiz/abc?step=2#top", "/quiz/abc?step=2#top"},
		{"/", "/"},
		{"/search?q=a//b", "/search?q=a//b"},
		{"", "/account"},
		{"account", "/account"},
		{"//evil.example", "/account"},
		{"/\\evil.example", "/account"},
		{"/\t/evil.example", "/account"},
		{"/\n/evil.example", "/account"},
		{"/\r/evil.example", "/account"},
		{"/\x00/evil.example", "/account"},
		{"/\x7f/evil.example", "/account"},
		{"/ok\\..\\evil", "/account"},
		{"/%2F/evil.example", "/account"},
		{"/%5Cevil.example", "/account"},
		{"https://evil.example/", "/account"},
		{"javascript:alert(1)", "/account"},
		{" /account", "/account"},
		{"/\u0085/evil.example", "/account"},
		{"/\xff", "/account"},
	}
	for _, tt := range tests {
		t.Run(tt.next, func(t *testing.T) {
			if got := safeNext(tt.next); got != tt.want {
				t.Errorf("safeNext(%q) = %q, want %q", tt.next, got, tt.want)
			}
		})
	}
}
