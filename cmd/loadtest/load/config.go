package load

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// Scenario is what each virtual shopper does.
type Scenario string

// The scenarios.
const (
	// Journey is the whole visit: quiz to completion, recommendation, one or two
	// customisations, order and demo payment.
	Journey Scenario = "journey"
	// Quiz is the quiz alone (start and every answer), to measure the answer step.
	Quiz Scenario = "quiz"
	// Checkout is order creation and demo payment alone, on product codes found by a few
	// journeys before the run, to measure paid orders per second.
	Checkout Scenario = "checkout"
)

// Config is one load run. Exactly one of Concurrency (closed model: that many shoppers, each
// starting a new visit when the last ends) and Rate (open model: that many new visits per
// second, whatever the server's speed) is set.
type Config struct {
	// Targets are the base URLs of the servers, e.g. http://127.0.0.1:8080; shoppers are spread
	// over them round-robin (each shopper stays on one).
	Targets []string
	// AllowRemote permits targets that are not loopback addresses; without it the tool refuses
	// them, so a typo cannot load someone else's server.
	AllowRemote bool

	Scenario    Scenario
	Concurrency int     // closed model: concurrent shoppers
	Rate        float64 // open model: new shoppers per second
	// Think is a shopper's mean pause before each request, as a person reads the page and
	// decides: each pause is drawn from an exponential distribution with this mean (capped at
	// five times it), so shoppers do not move in step. 0 sends each request as soon as the last
	// one is answered: the server's saturation throughput. Staff workers and the trivial route
	// never pause.
	Think time.Duration
	// MaxInFlight bounds the open model's concurrent shoppers; arrivals past it are dropped
	// and counted (default 2,000).
	MaxInFlight int
	Duration    time.Duration
	// MaxRequests bounds the run's requests whatever the duration (default 10,000,000);
	// MaxJourneys bounds the visits started (0: no bound but the duration).
	MaxRequests uint64
	MaxJourneys uint64
	// Grace is how long visits under way may finish after Duration before they are cut
	// (default 10s).
	Grace time.Duration
	// RequestTimeout bounds one request (default 30s).
	RequestTimeout time.Duration
	// NoGzip stops the clients from asking for gzip-compressed responses (browsers and Go's
	// client ask by default), to see what compression costs the server.
	NoGzip bool

	// TrivialDuration is how long GET /healthz is measured before the main phase, with
	// TrivialConcurrency clients (default: Concurrency, or 100 in the open model); 0 skips it.
	TrivialDuration    time.Duration
	TrivialConcurrency int

	// StaffToken, when set, runs StaffWorkers staff clients (default 2) that claim production
	// jobs and move each to delivered, sending "Authorization: Bearer StaffToken". Several
	// tokens separated by commas are handed to the workers in turn (worker i uses token
	// i mod n), so each worker can be a different staff member.
	StaffToken   string
	StaffWorkers int

	// Customizations is the largest number of customisations per visit (default 2; each visit
	// makes 1..Customizations). Quantity is the largest quantity ordered per visit (default 2).
	Customizations int
	Quantity       int
	// Answers is how questions are answered: "first" (first option, mid scale, a name) or
	// "random" (a random option per shopper, seeded by Seed).
	Answers string
	Seed    uint64

	// PIDs are server processes whose resident memory (VmRSS) is sampled every RSSInterval
	// (default 250ms).
	PIDs        []int
	RSSInterval time.Duration

	// DatabaseURL, when set, is audited after the run (see Audit).
	DatabaseURL string
}

// withDefaults fills the zero values and checks the rest.
func (c Config) withDefaults() (Config, error) {
	if len(c.Targets) == 0 {
		return c, errors.New("no target: give at least one base URL, e.g. http://127.0.0.1:8080")
	}
	for i, t := range c.Targets {
		t, err := checkTarget(t, c.AllowRemote)
		if err != nil {
			return c, err
		}
		c.Targets[i] = t
	}
	switch c.Scenario {
	case "":
		c.Scenario = Journey
	case Journey, Quiz, Checkout:
	default:
		return c, fmt.Errorf("scenario %q: want journey, quiz or checkout", c.Scenario)
	}
	switch {
	case c.Concurrency > 0 && c.Rate > 0:
		return c, errors.New("give either a concurrency (closed model) or a rate (open model), not both")
	case c.Concurrency < 0 || c.Rate < 0:
		return c, errors.New("concurrency and rate cannot be negative")
	case c.Concurrency == 0 && c.Rate == 0:
		c.Concurrency = 10
	}
	if c.Think < 0 {
		return c, errors.New("think time cannot be negative")
	}
	if c.Concurrency > 100_000 || c.Rate > 1_000_000 {
		return c, errors.New("concurrency or rate is implausibly large")
	}
	if c.Duration <= 0 {
		return c, errors.New("duration must be positive, e.g. 30s")
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = 2000
	}
	if c.MaxRequests == 0 {
		c.MaxRequests = 10_000_000
	}
	if c.Grace <= 0 {
		c.Grace = 10 * time.Second
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = 30 * time.Second
	}
	if c.TrivialConcurrency <= 0 {
		c.TrivialConcurrency = c.Concurrency
		if c.TrivialConcurrency == 0 {
			c.TrivialConcurrency = 100
		}
	}
	if c.TrivialDuration < 0 {
		c.TrivialDuration = 0
	}
	if c.StaffWorkers <= 0 {
		c.StaffWorkers = 2
	}
	if c.Customizations <= 0 {
		c.Customizations = 2
	}
	if c.Quantity <= 0 {
		c.Quantity = 2
	}
	switch c.Answers {
	case "":
		c.Answers = "first"
	case "first", "random":
	default:
		return c, fmt.Errorf("answers %q: want first or random", c.Answers)
	}
	if c.RSSInterval <= 0 {
		c.RSSInterval = 250 * time.Millisecond
	}
	return c, nil
}

// checkTarget normalises a base URL and refuses anything but http(s) on a loopback address
// unless remote targets are allowed.
func checkTarget(raw string, allowRemote bool) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("target %q: want a base URL such as http://127.0.0.1:8080", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("target %q: give only scheme, host, port and path", raw)
	}
	if !allowRemote && !isLoopback(u.Hostname()) {
		return "", fmt.Errorf("target %q is not a loopback address; pass -allow-remote to load a server you run elsewhere", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
