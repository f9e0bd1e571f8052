package fulfillment

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"gorm.io/gorm"

	"atelier/app/database/databasetest"
)

func TestNewOrderValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*NewOrder)
		fields []string // every field expected in the error; nil = valid
	}{
		{"valid", func(*NewOrder) {}, nil},
		{"email missing", func(o *NewOrder) { o.Email = "" }, []string{"email"}},
		{"email no at", func(o *NewOrder) { o.Email = "ada.example.com" }, []string{"email"}},
		{"email display name", func(o *NewOrder) { o.Email = "Ada <ada@example.com>" }, []string{"email"}},
		{"email no dot in domain", func(o *NewOrder) { o.Email = "ada@localhost" }, []string{"email"}},
		{"email too long", func(o *NewOrder) { o.Email = strings.Repeat("a", 250) + "@x.io" }, []string{"email"}},
		{"address all missing", func(o *NewOrder) { o.Shipping = Address{} }, []string{
			"shipping_address.name", "shipping_address.line1", "shipping_address.city",
			"shipping_address.postal_code", "shipping_address.country"}},
		{"bad country", func(o *NewOrder) { o.Shipping.Country = "XX" }, []string{"shipping_address.country"}},
		{"country three letters", func(o *NewOrder) { o.Shipping.Country = "FRA" }, []string{"shipping_address.country"}},
		{"newline in line1", func(o *NewOrder) { o.Shipping.Line1 = "a\r\nBcc: x" }, []string{"shipping_address.line1"}},
		{"no items", func(o *NewOrder) { o.Items = nil }, []string{"items"}},
		{"too many items", func(o *NewOrder) {
			for len(o.Items) <= MaxItems {
				o.Items = append(o.Items, o.Items[0])
			}
		}, []string{"items"}},
		{"zero quantity", func(o *NewOrder) { o.Items[0].Quantity = 0 }, []string{"items[0].quantity"}},
		{"negative quantity", func(o *NewOrder) { o.Items[0].Quantity = -3 }, []string{"items[0].quantity"}},
		{"huge quantity", func(o *NewOrder) { o.Items[0].Quantity = 1 << 30 }, []string{"items[0].quantity"}},
		{"zero price", func(o *NewOrder) { o.Items[0].UnitPriceCents = 0 }, []string{"items[0].unit_price_cents"}},
		{"bad formula json", func(o *NewOrder) { o.Items[0].Formula = json.RawMessage(`{`) }, []string{"items[0].formula"}},
		{"bad currency", func(o *NewOrder) { o.Currency = "euro" }, []string{"currency"}},
		{"bad provider", func(o *NewOrder) { o.PaymentProvider = "paypal" }, []string{"payment_provider"}},
		{"no owner", func(o *NewOrder) { o.OwnerKey = " " }, []string{"owner_key"}},
		{"several at once", func(o *NewOrder) { o.Email = "x"; o.Shipping.City = ""; o.Items[0].Quantity = 11 },
			[]string{"email", "shipping_address.city", "items[0].quantity"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validOrder("owner", 1)
			tt.mutate(&in)
			err := in.Validate()
			if tt.fields == nil {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, ErrValidation) {
				t.Fatalf("want *ValidationError, got %v", err)
			}
			for _, f := range tt.fields {
				if ve.Fields[f] == "" {
					t.Errorf("missing field %q in %v", f, ve.Fields)
				}
			}
			if len(ve.Fields) != len(tt.fields) {
				t.Errorf("fields = %v, want exactly %v", ve.Fields, tt.fields)
			}
		})
	}
}

func TestValidateNormalises(t *testing.T) {
	in := validOrder("owner", 1)
	in.Email, in.Shipping.Country, in.Currency = "  ada@example.com ", " gb", "eur"
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	if in.Email != "ada@example.com" || in.Shipping.Country != "GB" || in.Currency != "EUR" {
		t.Fatalf("not normalised: %q %q %q", in.Email, in.Shipping.Country, in.Currency)
	}
}

func FuzzNewOrderValidate(f *testing.F) {
	f.Add("ada@example.com", "FR", "Ada", 1, int64(100))
	f.Add("", "", "", 0, int64(0))
	f.Add("a@b.c\n", "zz", "\x00", -1, int64(-5))
	f.Add("Ada <ada@example.com>", "fr", strings.Repeat("é", 300), 11, int64(1<<62))
	f.Fuzz(func(t *testing.T, email, country, name string, qty int, price int64) {
		in := validOrder("o", 1)
		in.Email, in.Shipping.Country, in.Shipping.Name, in.Items[0].Quantity, in.Items[0].UnitPriceCents = email, country, name, qty, price
		err := in.Validate()
		if err == nil {
			o := in.build("pid", newClock().Now())
			if o.TotalCents != int64(qty)*price+in.ShippingCents || qty < 1 || qty > MaxQuantity || price <= 0 {
				t.Fatalf("accepted bad input or wrong total: %+v", o)
			}
			return
		}
		var ve *ValidationError
		if !errors.As(err, &ve) || len(ve.Fields) == 0 {
			t.Fatalf("want field errors, got %v", err)
		}
	})
}

func TestCreateOrderAndOwnership(t *testing.T) {
	databasetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, _ := newTestService(t, db)
		ctx := context.Background()
		in := validOrder("session-a", 2, 3)
		in.Items[0].UnitPriceCents = 1000
		cust := uint(42)
		in.CustomerID = &cust
		o, err := s.CreateOrder(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if o.SubtotalCents != 2*1000+3*3900 || o.TotalCents != o.SubtotalCents+500 || o.Status != OrderPendingPayment {
			t.Fatalf("totals/status wrong: %+v", o)
		}
		got, err := s.GetForOwner(ctx, o.ID, "", &cust)
		if err != nil || len(got.Items) != 2 || got.Items[1].LineTotalCents != 3*3900 || got.Items[0].Formula == "" {
			t.Fatalf("customer read: %v %+v", err, got)
		}
		guest, err := s.CreateOrder(ctx, validOrder("session-g", 1, 1))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetForOwner(ctx, guest.ID, "session-g", nil); err != nil {
			t.Fatalf("guest read by its session: %v", err)
		}
		if _, err := s.GetForOwner(ctx, guest.ID, "session-g", &cust); err != nil {
			t.Fatalf("guest read by its session, signed in since: %v", err)
		}
		// The session that placed a customer's order is not the customer: after sign-out
		// the same owner key, alone or with another customer, reads nothing.
		other := uint(7)
		for _, c := range []struct {
			id   uint
			key  string
			cust *uint
		}{{o.ID, "session-a", nil}, {o.ID, "session-a", &other}, {o.ID, "session-b", nil}, {o.ID, "", nil}, {o.ID, "", &other},
			{guest.ID, "session-b", nil}, {guest.ID, "", &cust}} {
			if _, err := s.GetForOwner(ctx, c.id, c.key, c.cust); !errors.Is(err, ErrNotFound) {
				t.Fatalf("order %d read by %q/%v: %v, want ErrNotFound", c.id, c.key, c.cust, err)
			}
		}
		if _, err := s.GetForOwner(ctx, o.ID+1000, "", &cust); !errors.Is(err, ErrNotFound) {
			t.Fatalf("missing order: %v", err)
		}
		list, err := s.ListForCustomer(ctx, cust)
		if err != nil || len(list) != 1 {
			t.Fatalf("list: %v %d", err, len(list))
		}
		if err := s.SetPaymentRef(ctx, o.ID, ProviderStripe, "cs_test_1"); err != nil {
			t.Fatal(err)
		}
		rev, err := s.BumpPaymentAttempt(ctx, o.ID)
		if err != nil || rev != 2 {
			t.Fatalf("bump: %d %v", rev, err)
		}
		byPub, err := s.GetByPublicID(ctx, o.PublicID)
		if err != nil || byPub.PaymentRef != "cs_test_1" || byPub.PaymentProvider != ProviderStripe {
			t.Fatalf("public id: %v %+v", err, byPub)
		}
		if b, _ := json.Marshal(byPub.Items[0]); !strings.Contains(string(b), `"formula":{"ingredients"`) {
			t.Fatalf("snapshot not embedded as JSON: %s", b)
		}
	})
}
