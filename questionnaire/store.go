package questionnaire

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"gorm.io/gorm"
)

// ErrVersionReused is returned when a definition's text differs from the text already stored
// under the same version: change the version whenever the quiz changes.
var ErrVersionReused = errors.New("questionnaire: this quiz version is already stored with different content; give the changed quiz a new version")

type responseRow struct {
	ID          string `gorm:"primaryKey;size:32"`
	ResumeToken string `gorm:"size:64;uniqueIndex"`
	OwnerKey    string `gorm:"size:128;index"`
	CustomerID  *uint  `gorm:"index"`
	QuizVersion string `gorm:"size:64;index"`
	Answers     string `gorm:"type:text;not null"`
	Current     string `gorm:"size:64"`
	Revision    int    `gorm:"not null;default:0"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
	CompletedAt *time.Time `gorm:"index"`
	// Trail is Quiz.Trail of the answers, written with them, for the drop-off count.
	Trail string `gorm:"type:text;not null;default:''"`
}

func (responseRow) TableName() string { return "quiz_responses" }

type definitionRow struct {
	Version   string `gorm:"primaryKey;size:64"`
	Source    string `gorm:"type:text;not null"`
	CreatedAt time.Time
}

func (definitionRow) TableName() string { return "quiz_definitions" }

// Models lists the GORM models of this package, for migrations.
func Models() []any { return []any{&responseRow{}, &definitionRow{}} }

// Store keeps quiz responses and the definition versions they began on.
//
// It remembers the responses it wrote last (see Update): a shopper's next answer then needs no
// read, only the conditional write, which also catches a copy made stale by another instance.
type Store struct {
	db     *gorm.DB
	now    func() time.Time
	recent *recent

	mu   sync.Mutex
	defs map[string]*Quiz
}

// NewStore returns a Store over db; now is the clock (time.Now in production).
func NewStore(db *gorm.DB, now func() time.Time) *Store {
	return &Store{db: db, now: now, defs: map[string]*Quiz{}, recent: newRecent(recentSize)}
}

func (s *Store) clock() time.Time { return s.now().UTC() }

// Register stores quiz's definition under its version if that version is new, and caches it.
// It returns ErrVersionReused if the version is stored with other content. Call it at start-up
// to fail fast; Create calls it too.
func (s *Store) Register(ctx context.Context, quiz *Quiz) error {
	s.mu.Lock()
	cached := s.defs[quiz.Version]
	s.mu.Unlock()
	if cached == quiz {
		return nil
	}
	row := definitionRow{Version: quiz.Version, Source: string(quiz.source), CreatedAt: s.clock()}
	db := s.db.WithContext(ctx)
	if err := db.Where("version = ?", quiz.Version).FirstOrCreate(&row).Error; err != nil {
		return fmt.Errorf("questionnaire: store definition %s: %w", quiz.Version, err)
	}
	if !bytes.Equal([]byte(row.Source), quiz.source) {
		return fmt.Errorf("%w (version %q)", ErrVersionReused, quiz.Version)
	}
	s.mu.Lock()
	s.defs[quiz.Version] = quiz
	s.mu.Unlock()
	return nil
}

// Definition returns the compiled quiz stored under version (cached in memory), or ErrNotFound.
func (s *Store) Definition(ctx context.Context, version string) (*Quiz, error) {
	s.mu.Lock()
	q := s.defs[version]
	s.mu.Unlock()
	if q != nil {
		return q, nil
	}
	var row definitionRow
	if err := s.db.WithContext(ctx).Where("version = ?", version).Take(&row).Error; err != nil {
		return nil, notFound(err)
	}
	q, err := Load([]byte(row.Source))
	if err != nil {
		return nil, fmt.Errorf("questionnaire: stored definition %s: %w", version, err)
	}
	s.mu.Lock()
	if cached := s.defs[version]; cached != nil {
		q = cached
	} else {
		s.defs[version] = q
	}
	s.mu.Unlock()
	return q, nil
}

// Create starts a response on quiz for the cookie session ownerKey.
func (s *Store) Create(ctx context.Context, ownerKey string, quiz *Quiz) (*Response, error) {
	if err := s.Register(ctx, quiz); err != nil {
		return nil, err
	}
	now := s.clock()
	r := &Response{ID: randomID(16), ResumeToken: randomID(32), OwnerKey: ownerKey,
		QuizVersion: quiz.Version, Answers: Answers{}, CreatedAt: now, UpdatedAt: now}
	row, err := toRow(r)
	if err != nil {
		return nil, err
	}
	row.Trail = quiz.Trail(r.Answers)
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return nil, fmt.Errorf("questionnaire: create response: %w", err)
	}
	s.recent.put(r)
	return r, nil
}

// Get returns a response by id, or ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (*Response, error) {
	return s.first(ctx, "id = ?", id)
}

// GetForOwner returns the response only if it belongs to ownerKey; otherwise ErrNotFound, so a
// guessed or leaked id reveals nothing.
func (s *Store) GetForOwner(ctx context.Context, id, ownerKey string) (*Response, error) {
	if ownerKey == "" {
		return nil, ErrNotFound
	}
	return s.first(ctx, "id = ? AND owner_key = ?", id, ownerKey)
}

// Resume finds the response of a resume link, binds it to the new cookie session key and
// returns it. The token keeps working (it is also the emailed link).
func (s *Store) Resume(ctx context.Context, token, newOwnerKey string) (*Response, error) {
	if token == "" || newOwnerKey == "" {
		return nil, ErrNotFound
	}
	// An answer landing between the read and the write moves the revision: read again.
	for attempt := 0; attempt < 3; attempt++ {
		r, err := s.first(ctx, "resume_token = ?", token)
		if err != nil {
			return nil, err
		}
		now := s.clock()
		s.recent.forget(r.ID)
		// The revision moves too, so a copy of the response remembered by any instance (see
		// Update) can no longer be written under its old owner.
		res := s.db.WithContext(ctx).Model(&responseRow{}).Where("id = ? AND revision = ?", r.ID, r.Revision).
			Updates(map[string]any{"owner_key": newOwnerKey, "updated_at": now, "revision": r.Revision + 1})
		if res.Error != nil {
			return nil, fmt.Errorf("questionnaire: resume: %w", res.Error)
		}
		if res.RowsAffected == 1 {
			r.OwnerKey, r.UpdatedAt = newOwnerKey, now
			r.Revision++
			return r, nil
		}
	}
	return nil, ErrConflict
}

// Save stores r's answers and current question if r.Revision is still the stored one
// (ErrConflict otherwise), sets or clears CompletedAt from the answers on r's quiz version, and
// bumps r.Revision and r.UpdatedAt.
func (s *Store) Save(ctx context.Context, r *Response) error {
	quiz, err := s.Definition(ctx, r.QuizVersion)
	if err != nil {
		return err
	}
	st := quiz.State(r.Answers)
	return s.save(ctx, r, &st.Position)
}

// save is Save with the Position of r.Answers already known.
func (s *Store) save(ctx context.Context, r *Response, st *Position) error {
	now := s.clock()
	completed := r.CompletedAt
	if st.Done {
		if completed == nil {
			completed = &now
		}
	} else {
		completed = nil
	}
	data, err := json.Marshal(r.Answers)
	if err != nil {
		return fmt.Errorf("questionnaire: encode answers: %w", err)
	}
	// One conditional UPDATE is atomic by itself: skip GORM's BEGIN/COMMIT around it, two
	// round trips on the single SQLite writer for every answer. Plain SQL, as this runs for
	// every answer of every shopper ("current" is quoted: a keyword in some databases).
	res := s.db.WithContext(ctx).Session(&gorm.Session{SkipDefaultTransaction: true}).Exec(
		`UPDATE quiz_responses SET answers = ?, "current" = ?, completed_at = ?, revision = ?, updated_at = ?, trail = ? WHERE id = ? AND revision = ?`,
		string(data), r.Current, completed, r.Revision+1, now, st.Trail, r.ID, r.Revision)
	if res.Error != nil {
		return fmt.Errorf("questionnaire: save response: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		s.recent.forget(r.ID)
		return ErrConflict
	}
	r.Revision++
	r.UpdatedAt, r.CompletedAt = now, completed
	s.recent.put(r)
	return nil
}

// Edit changes a response in place (its answers, its current question) and returns the
// Position of its new answers on quiz, the response's own version. An error leaves nothing
// written.
type Edit func(r *Response, quiz *Quiz) (Position, error)

// Update applies edit to the response id owned by ownerKey and saves it, like GetForOwner,
// then Save. The response comes from the copy this Store remembers of its last write when it
// has one, so an answer costs one conditional write and no read. Should that copy be stale
// (another instance wrote since, the resume link moved it to another owner), the write finds
// the revision moved; Update then reads the stored response and applies edit again, up to
// three times before it gives up with ErrConflict. An error from edit on a remembered copy is
// checked the same way against a fresh read before it is returned.
func (s *Store) Update(ctx context.Context, id, ownerKey string, edit Edit) (*Response, *Quiz, Position, error) {
	if ownerKey == "" {
		return nil, nil, Position{}, ErrNotFound
	}
	fresh := false // once a remembered copy has failed, read the stored response
	for attempt := 0; attempt < 3; attempt++ {
		var r *Response
		remembered := false
		if !fresh {
			r, remembered = s.recent.get(id, ownerKey)
		}
		if !remembered {
			var err error
			if r, err = s.GetForOwner(ctx, id, ownerKey); err != nil {
				return nil, nil, Position{}, err
			}
		}
		quiz, err := s.Definition(ctx, r.QuizVersion)
		if err != nil {
			return nil, nil, Position{}, err
		}
		st, err := edit(r, quiz)
		if err != nil {
			if remembered {
				s.recent.forget(id)
				fresh = true
				continue
			}
			return nil, nil, Position{}, err
		}
		switch err := s.save(ctx, r, &st); {
		case errors.Is(err, ErrConflict):
			fresh = true
			continue
		case err != nil:
			return nil, nil, Position{}, err
		}
		return r, quiz, st, nil
	}
	return nil, nil, Position{}, ErrConflict
}

// AttachCustomer records that the response belongs to a customer account. It moves the
// revision, so a copy read before it is stale (Save on it is ErrConflict; Update reads again).
func (s *Store) AttachCustomer(ctx context.Context, id string, customerID uint) error {
	s.recent.forget(id)
	res := s.db.WithContext(ctx).Model(&responseRow{}).Where("id = ?", id).
		Updates(map[string]any{"customer_id": customerID, "updated_at": s.clock(), "revision": gorm.Expr("revision + 1")})
	if res.Error != nil {
		return fmt.Errorf("questionnaire: attach customer: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// LatestCompleted returns the customer's most recently completed response, or ErrNotFound.
func (s *Store) LatestCompleted(ctx context.Context, customerID uint) (*Response, error) {
	return s.latestCompleted(ctx, "customer_id = ?", customerID)
}

// LatestCompletedByOwner returns the most recent response completed by the browser with
// ownerKey at or before before, or ErrNotFound (always for an empty key). It finds a guest's
// consultation from an order placed in the same browser session.
func (s *Store) LatestCompletedByOwner(ctx context.Context, ownerKey string, before time.Time) (*Response, error) {
	if ownerKey == "" {
		return nil, ErrNotFound
	}
	return s.latestCompleted(ctx, "owner_key = ? AND completed_at <= ?", ownerKey, before.UTC())
}

// latestCompleted returns the most recently completed response matching where, or ErrNotFound.
func (s *Store) latestCompleted(ctx context.Context, where string, args ...any) (*Response, error) {
	var row responseRow
	err := s.db.WithContext(ctx).Where(where+" AND completed_at IS NOT NULL", args...).
		Order("completed_at DESC").Order("id").Take(&row).Error
	if err != nil {
		return nil, notFound(err)
	}
	return fromRow(row)
}

// EraseCustomer is for account deletion: for every response of the customer it removes the
// free-text answers (the name on the label and any other text question), detaches the account,
// unbinds the cookie and replaces the resume token so old links stop working. The remaining
// multiple-choice answers and the trail (see Quiz.Trail) are kept, anonymous, for drop-off
// statistics: the count stays what it was before the erasure.
//
// Each response is rewritten only at the revision erase read; an answer landing in between
// makes the erase start again, so nothing written meanwhile survives it.
func (s *Store) EraseCustomer(ctx context.Context, customerID uint) error {
	for attempt := 0; attempt < 5; attempt++ {
		err := s.eraseOnce(ctx, customerID)
		if !errors.Is(err, ErrConflict) {
			return err
		}
	}
	return ErrConflict
}

func (s *Store) eraseOnce(ctx context.Context, customerID uint) error {
	var rows []responseRow
	if err := s.db.WithContext(ctx).Where("customer_id = ?", customerID).Find(&rows).Error; err != nil {
		return fmt.Errorf("questionnaire: erase: %w", err)
	}
	type update struct {
		id       string
		revision int
		answers  string
	}
	updates := make([]update, 0, len(rows))
	for _, row := range rows {
		r, err := fromRow(row)
		if err != nil {
			return err
		}
		if quiz, err := s.Definition(ctx, r.QuizVersion); err == nil {
			for _, q := range quiz.questions {
				if q.Kind == KindText || q.Kind == KindLocation {
					delete(r.Answers, q.ID) // names, notes, postal codes
				}
			}
		} else {
			r.Answers = Answers{}
		}
		data, _ := json.Marshal(r.Answers)
		updates = append(updates, update{r.ID, r.Revision, string(data)})
	}
	defer func() {
		for _, u := range updates {
			s.recent.forget(u.id)
		}
	}()
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, u := range updates {
			res := tx.Model(&responseRow{}).Where("id = ? AND revision = ?", u.id, u.revision).Updates(map[string]any{
				"answers": u.answers, "customer_id": nil, "owner_key": "", "resume_token": randomID(32),
				"revision": u.revision + 1, "updated_at": s.clock()})
			if res.Error != nil {
				return fmt.Errorf("questionnaire: erase: %w", res.Error)
			}
			if res.RowsAffected == 0 {
				return ErrConflict // changed since it was read: roll back and read again
			}
		}
		return nil
	})
}

// DropOff counts drop-off per question over every response on a quiz version. Responses with
// a trail (every response saved through the Store) are counted with one grouped query over
// (trail, completed); the few without one (see BackfillTrails) are read in batches of
// batchSize (100 when ≤ 0), decoded and walked through the quiz.
func (s *Store) DropOff(ctx context.Context, version string, batchSize int) ([]DropOffRow, error) {
	quiz, err := s.Definition(ctx, version)
	if err != nil {
		return nil, err
	}
	if batchSize <= 0 {
		batchSize = 100
	}
	d := NewDropOff(quiz)
	db := s.db.WithContext(ctx)
	const done = "CASE WHEN completed_at IS NULL THEN 0 ELSE 1 END"
	rows, err := db.Model(&responseRow{}).Select("trail, "+done+", COUNT(*)").
		Where("quiz_version = ? AND trail <> ''", version).Group("trail").Group(done).Rows()
	if err != nil {
		return nil, fmt.Errorf("questionnaire: drop-off: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var trail string
		var completed, n int
		if err := rows.Scan(&trail, &completed, &n); err != nil {
			return nil, fmt.Errorf("questionnaire: drop-off: %w", err)
		}
		d.AddTrail(trail, completed == 1, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("questionnaire: drop-off: %w", err)
	}
	var batch []responseRow
	res := db.Select("id", "answers", "completed_at").Where("quiz_version = ? AND trail = ''", version).
		FindInBatches(&batch, batchSize, func(tx *gorm.DB, _ int) error {
			for _, row := range batch {
				var a Answers
				if err := json.Unmarshal([]byte(row.Answers), &a); err != nil {
					return fmt.Errorf("questionnaire: response %s: %w", row.ID, err)
				}
				d.Add(a, row.CompletedAt != nil)
			}
			return nil
		})
	if res.Error != nil {
		return nil, fmt.Errorf("questionnaire: drop-off: %w", res.Error)
	}
	return d.Rows(), nil
}

func (s *Store) first(ctx context.Context, query string, args ...any) (*Response, error) {
	var row responseRow
	if err := s.db.WithContext(ctx).Where(query, args...).Take(&row).Error; err != nil {
		return nil, notFound(err)
	}
	return fromRow(row)
}

func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return fmt.Errorf("questionnaire: %w", err)
}

func toRow(r *Response) (responseRow, error) {
	data, err := json.Marshal(r.Answers)
	if err != nil {
		return responseRow{}, fmt.Errorf("questionnaire: encode answers: %w", err)
	}
	return responseRow{ID: r.ID, ResumeToken: r.ResumeToken, OwnerKey: r.OwnerKey, CustomerID: r.CustomerID,
		QuizVersion: r.QuizVersion, Answers: string(data), Current: r.Current, Revision: r.Revision,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, CompletedAt: r.CompletedAt}, nil
}

func fromRow(row responseRow) (*Response, error) {
	answers := Answers{}
	if row.Answers != "" {
		if err := json.Unmarshal([]byte(row.Answers), &answers); err != nil {
			return nil, fmt.Errorf("questionnaire: response %s: decode answers: %w", row.ID, err)
		}
	}
	utc := func(t time.Time) time.Time { return t.UTC() }
	r := &Response{ID: row.ID, ResumeToken: row.ResumeToken, OwnerKey: row.OwnerKey, CustomerID: row.CustomerID,
		QuizVersion: row.QuizVersion, Answers: answers, Current: row.Current, Revision: row.Revision,
		CreatedAt: utc(row.CreatedAt), UpdatedAt: utc(row.UpdatedAt)}
	if row.CompletedAt != nil {
		t := row.CompletedAt.UTC()
		r.CompletedAt = &t
	}
	return r, nil
}
