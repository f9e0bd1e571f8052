package fulfillment

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Placeholders that stay where an erased customer's email and follow-ups were, so counts by
// kind, status and outcome still add up.
const (
	ErasedSubject = "(erased)"
	ErasedBody    = "(erased: the recipient deleted their account)"
	erasedReason  = "the customer deleted their account"
)

// Erasure names whose personal data AnonymiseCustomer removes.
type Erasure struct {
	CustomerID uint
	// VerifiedEmail is the customer's proven address, "" when it was never verified. Guest
	// orders, feedback, follow-ups and email with it are erased too.
	VerifiedEmail string
	// AccountEmail is the account's address, verified or not: the account's own emails
	// (sign-in, reset and confirmation links, kinds "account_…") sent to it are erased.
	AccountEmail string
	// AnonEmail replaces the email of the orders and of the outbox messages
	// ("deleted-<id>@invalid").
	AnonEmail string
}

// AnonymiseCustomer is for account deletion: inside the caller's transaction tx it removes a
// customer's contact data from the fulfillment tables, and returns the number of orders
// changed.
//
//   - Orders of the customer (and placed as a guest with VerifiedEmail) keep items, amounts,
//     country and statuses for the books; the email becomes AnonEmail and the shipping name,
//     street lines, city and postal code are cleared.
//   - Their items lose the name on the label: the item name and the packaging's label text
//     drop the owner ("Maya's Curl Quench Shampoo" → "Curl Quench Shampoo"; see
//     anonymousName), and the frozen preview picture is cleared (the catalog draws it again
//     from the code, without a name). Code, line, options, formula and prices stay.
//   - What people wrote about those orders goes: the notes of their status events and audit
//     entries (of the orders and of their production jobs) by anyone but the system, the
//     customer and the payment provider, and their jobs' hold or cancel reasons.
//   - Their feedback loses its email and note.
//   - Every outbox message to one of their addresses (those of the orders, VerifiedEmail, and
//     AccountEmail for the account's own emails), whatever its status, is addressed to
//     AnonEmail with ErasedSubject and ErasedBody; one not sent yet is cancelled (failed) so
//     nothing more goes out.
//   - Their follow-up tasks (by customer, order or address) lose email, title and notes, which
//     name them ("Welcome Vic Tim (order #429)"); open and claimed ones are closed as skipped
//     with the reason. The notes of those tasks' audit entries (staff's words) are cleared.
func (s *Service) AnonymiseCustomer(tx *gorm.DB, e Erasure) (int64, error) {
	now := s.clock()
	orders := func() *gorm.DB {
		q := tx.Model(&Order{}).Where("customer_id = ?", e.CustomerID)
		if e.VerifiedEmail != "" {
			q = tx.Model(&Order{}).Where("customer_id = ? OR email = ?", e.CustomerID, e.VerifiedEmail)
		}
		return q
	}
	var rows []struct {
		ID    uint
		Email string
	}
	if err := orders().Select("id", "email").Order("id").Scan(&rows).Error; err != nil {
		return 0, fmt.Errorf("fulfillment: anonymise: orders: %w", err)
	}
	var orderIDs, fresh []uint
	var addrs []string
	for _, r := range rows {
		orderIDs = append(orderIDs, r.ID)
		if !slices.Contains(addrs, r.Email) {
			addrs = append(addrs, r.Email)
		}
		// Items of orders erased before have lost the owner already; erasing a name twice
		// would take the adjective too ("Curl Quench Shampoo" → "Shampoo").
		if r.Email != e.AnonEmail {
			fresh = append(fresh, r.ID)
		}
	}
	if e.VerifiedEmail != "" {
		addrs = append(addrs, e.VerifiedEmail)
	}
	res := orders().Updates(map[string]any{
		"customer_id": e.CustomerID, "email": e.AnonEmail, "ship_name": "", "ship_line1": "", "ship_line2": "",
		"ship_city": "", "ship_postal_code": "", "updated_at": now,
	})
	if res.Error != nil {
		return 0, fmt.Errorf("fulfillment: anonymise orders: %w", res.Error)
	}
	fq := tx.Model(&Feedback{}).Where("customer_id = ?", e.CustomerID)
	if e.VerifiedEmail != "" {
		fq = tx.Model(&Feedback{}).Where("customer_id = ? OR email = ?", e.CustomerID, e.VerifiedEmail)
	}
	if err := fq.Updates(map[string]any{"email": "", "note": ""}).Error; err != nil {
		return 0, fmt.Errorf("fulfillment: anonymise feedback: %w", err)
	}
	if err := eraseItems(tx, fresh); err != nil {
		return 0, err
	}
	if err := eraseOrderNotes(tx, orderIDs, now); err != nil {
		return 0, err
	}
	if err := s.eraseOutbox(tx, e, addrs); err != nil {
		return 0, err
	}
	if err := s.eraseTasks(tx, e, orderIDs, addrs, now); err != nil {
		return 0, err
	}
	return res.RowsAffected, nil
}

// eraseItems takes the label name out of the orders' items: their name, their packaging's
// label text and their preview picture.
func eraseItems(tx *gorm.DB, orderIDs []uint) error {
	if len(orderIDs) == 0 {
		return nil
	}
	var items []OrderItem
	if err := tx.Select("id", "line", "name", "packaging").Where("order_id IN ?", orderIDs).Order("id").Find(&items).Error; err != nil {
		return fmt.Errorf("fulfillment: erase items: %w", err)
	}
	for _, it := range items {
		pk, err := erasePackaging(it.Packaging, it.Line)
		if err != nil {
			return fmt.Errorf("fulfillment: erase item %d: %w", it.ID, err)
		}
		upd := map[string]any{"name": anonymousName(it.Name, it.Line), "packaging": pk, "preview_svg": ""}
		if err := tx.Model(&OrderItem{}).Where("id = ?", it.ID).Updates(upd).Error; err != nil {
			return fmt.Errorf("fulfillment: erase item %d: %w", it.ID, err)
		}
	}
	return nil
}

// erasePackaging rewrites the label text of a packaging snapshot ("Maya's Curl Quench
// Shampoo · 250 ml") without the owner, keeping every other field as it was.
func erasePackaging(pk JSONText, line string) (JSONText, error) {
	if pk == "" {
		return pk, nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(pk), &fields); err != nil {
		return "", fmt.Errorf("packaging snapshot: %w", err)
	}
	raw, ok := fields["label_text"]
	if !ok {
		return pk, nil
	}
	var text string
	if err := json.Unmarshal(raw, &text); err != nil {
		return "", fmt.Errorf("packaging label text: %w", err)
	}
	if text == "" {
		return pk, nil
	}
	name, size, _ := strings.Cut(text, " · ")
	text = anonymousName(name, line)
	if size != "" {
		text += " · " + size
	}
	fields["label_text"], _ = json.Marshal(text)
	out, err := json.Marshal(fields)
	return JSONText(out), err
}

// anonymousName is a product name the catalog built from its line's template, "{name}'s
// {adjective} {line}" ("Maya's Curl Quench Shampoo", or "Your Curl Quench Shampoo" without
// a name), without its owner: "Curl Quench Shampoo". The owner ends at the last "'s ", as a
// name may hold one itself. A name in another shape may hold the owner anywhere, so it gives
// way to the line's id ("hair_mask" → "Hair mask").
func anonymousName(name, line string) string {
	var rest string
	ok := false
	if i := max(strings.LastIndex(name, "'s "), strings.LastIndex(name, "’s ")); i >= 0 {
		rest, ok = name[i+strings.Index(name[i:], "s ")+2:], true
	} else {
		rest, ok = strings.CutPrefix(name, "Your ")
	}
	if rest = strings.TrimSpace(rest); ok && rest != "" {
		return rest
	}
	line = strings.TrimSpace(strings.ReplaceAll(line, "_", " "))
	if line == "" {
		return "Product"
	}
	return strings.ToUpper(line[:1]) + line[1:]
}

// machineActors are the actors whose notes the store writes itself (payment references, event
// ids, fixed phrases); anyone else's note is a person's words and may name the customer.
var machineActors = []string{System.Role, "customer", "payment"}

// eraseOrderNotes clears what people wrote about the orders: the notes of their status events
// and of the audit entries of the orders and their production jobs, and the jobs' hold or
// cancel reasons ("order refunded: Vic Tim asked"). The steps, actors and times stay.
func eraseOrderNotes(tx *gorm.DB, orderIDs []uint, now time.Time) error {
	if len(orderIDs) == 0 {
		return nil
	}
	var jobIDs []uint
	if err := tx.Model(&ProductionJob{}).Where("order_id IN ?", orderIDs).Pluck("id", &jobIDs).Error; err != nil {
		return fmt.Errorf("fulfillment: erase notes: jobs: %w", err)
	}
	objects := make([]string, 0, len(orderIDs)+len(jobIDs))
	for _, id := range orderIDs {
		objects = append(objects, object("order", id))
	}
	for _, id := range jobIDs {
		objects = append(objects, object("job", id))
	}
	steps := []struct {
		what string
		q    *gorm.DB
		set  map[string]any
	}{
		{"status events", tx.Model(&OrderEvent{}).Where("order_id IN ? AND note <> ''", orderIDs).
			Where("actor NOT IN ? AND actor NOT LIKE ?", machineActors, "payment:%"), map[string]any{"note": ""}},
		{"audit entries", tx.Model(&AuditEntry{}).Where("object IN ? AND note <> ''", objects).
			Where("actor_role NOT IN ? AND actor_role NOT LIKE ?", machineActors, "payment:%"), map[string]any{"note": ""}},
		{"job reasons", tx.Model(&ProductionJob{}).Where("order_id IN ? AND reason <> ''", orderIDs),
			map[string]any{"reason": "", "version": gorm.Expr("version + 1"), "updated_at": now}},
	}
	for _, st := range steps {
		if err := st.q.Updates(st.set).Error; err != nil {
			return fmt.Errorf("fulfillment: erase notes: %s: %w", st.what, err)
		}
	}
	return nil
}

func (s *Service) eraseOutbox(tx *gorm.DB, e Erasure, addrs []string) error {
	var conds []string
	var args []any
	if len(addrs) > 0 {
		conds, args = append(conds, "to_addr IN ?"), append(args, addrs)
	}
	if e.AccountEmail != "" {
		conds = append(conds, "(to_addr = ? AND kind IN ?)")
		args = append(args, e.AccountEmail, []string{MailAccountSignIn, MailAccountReset, MailAccountVerify})
	}
	if len(conds) == 0 {
		return nil
	}
	mine := func() *gorm.DB {
		return tx.Model(&OutboxMessage{}).Where("("+strings.Join(conds, " OR ")+")", args...)
	}
	steps := []struct {
		what string
		q    *gorm.DB
		set  map[string]any
	}{
		// A delivery error may quote the address.
		{"errors", mine().Where("last_error <> ''"), map[string]any{"last_error": ""}},
		// Not sent yet: cancelled, so nothing more goes out.
		{"cancel", mine().Where("status IN ?", []string{OutboxPending, OutboxSending}),
			map[string]any{"status": OutboxFailed, "claim_until": nil, "last_error": "recipient deleted their account"}},
		{"content", mine(), map[string]any{"to_addr": e.AnonEmail, "subject": ErasedSubject, "body": ErasedBody}},
	}
	for _, st := range steps {
		if err := st.q.Updates(st.set).Error; err != nil {
			return fmt.Errorf("fulfillment: erase outbox: %s: %w", st.what, err)
		}
	}
	return nil
}

func (s *Service) eraseTasks(tx *gorm.DB, e Erasure, orderIDs []uint, addrs []string, now time.Time) error {
	conds, args := []string{"customer_id = ?"}, []any{e.CustomerID}
	if len(orderIDs) > 0 {
		conds, args = append(conds, "order_id IN ?"), append(args, orderIDs)
	}
	if len(addrs) > 0 {
		conds, args = append(conds, "email IN ?"), append(args, addrs)
	}
	var tasks []FollowUpTask
	if err := forUpdate(tx.Where(strings.Join(conds, " OR "), args...)).Order("id").Find(&tasks).Error; err != nil {
		return fmt.Errorf("fulfillment: erase follow-ups: %w", err)
	}
	if len(tasks) == 0 {
		return nil
	}
	objects := make([]string, len(tasks))
	for i, t := range tasks {
		objects[i] = object("task", t.ID)
	}
	// Staff's notes travel into the audit entries of the task (see changeTask).
	if err := tx.Model(&AuditEntry{}).Where("object IN ? AND note <> ''", objects).Update("note", "").Error; err != nil {
		return fmt.Errorf("fulfillment: erase follow-up audit notes: %w", err)
	}
	for _, t := range tasks {
		upd := map[string]any{"email": "", "title": erasedTitle(t), "notes": "", "updated_at": now}
		live := t.State == TaskOpen || t.State == TaskClaimed
		if live {
			upd["state"], upd["completed_at"], upd["claimed_by"], upd["lease_until"] = TaskSkipped, now, nil, nil
			upd["notes"] = "Skipped: " + erasedReason + "."
		}
		if err := tx.Model(&FollowUpTask{}).Where("id = ?", t.ID).Updates(upd).Error; err != nil {
			return fmt.Errorf("fulfillment: erase follow-up %d: %w", t.ID, err)
		}
		if live {
			if err := s.audit(tx, System, "task.skipped", object("task", t.ID), t.State, TaskSkipped, erasedReason); err != nil {
				return err
			}
		}
	}
	return nil
}

// erasedTitle is a follow-up's one-line title without the person: "Welcome follow-up for
// order #429 (customer deleted their account)".
func erasedTitle(t FollowUpTask) string {
	kind := strings.ReplaceAll(t.Kind, "_", " ")
	if kind != "" {
		kind = strings.ToUpper(kind[:1]) + kind[1:]
	}
	if t.OrderID != nil {
		return fmt.Sprintf("%s follow-up for order #%d (%s)", kind, *t.OrderID, erasedReason)
	}
	return fmt.Sprintf("%s follow-up (%s)", kind, erasedReason)
}
