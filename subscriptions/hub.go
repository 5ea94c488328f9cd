package subscriptions

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"regexp"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultChannel is the NOTIFY channel the shipped trigger and the Hub use
// unless configured otherwise.
const DefaultChannel = "fraiseql_events"

// MissedPayload is the next/data payload every live subscription receives
// when events may have been lost: after the LISTEN connection was down (sent
// once LISTEN is back, so nothing after it is lost), and for an overflow
// event of its entity. The subscription stays live; a client that must not
// miss a change re-reads what it shows (a query) when it sees the code.
const MissedPayload = `{"errors":[{"message":"Events may have been missed: the server was not listening for changes for a while. Re-read the data this subscription shows.","extensions":{"code":"EVENTS_MISSED"}}]}`

// internalReadPayload is sent to a group whose Read failed (logged).
const internalReadPayload = `{"errors":[{"message":"Internal server error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}`

var channelName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// HubConfig configures the Hub. Zero values mean the documented defaults.
type HubConfig struct {
	// ConnConfig is the LISTEN connection's configuration (parse it with
	// pgx.ParseConfig from the server's database URL). The Hub opens its own
	// connection, outside the request pool, and keeps exactly one.
	ConnConfig *pgx.ConnConfig
	// Channel is the NOTIFY channel (default DefaultChannel); a lower-case
	// identifier, as fraiseql_notify_install accepts.
	Channel string
	// ReadConcurrency bounds the group reads one event runs at once
	// (default 4). Events are handled one after the other, so each
	// subscription sees events in commit order.
	ReadConcurrency int
	// ReadTimeout bounds one group read (default 10 s).
	ReadTimeout time.Duration
	// MinBackoff and MaxBackoff bound the reconnect delay, which doubles
	// after each failed attempt, with jitter (defaults 100 ms and 30 s).
	MinBackoff, MaxBackoff time.Duration
	// HealthInterval is how long the LISTEN connection may stay silent
	// before the Hub pings it, so a half-open TCP connection is noticed
	// (default 30 s).
	HealthInterval time.Duration
	// Logger receives reconnects, bad payloads and read errors (default
	// slog.Default()).
	Logger *slog.Logger
}

// Validate reports configuration errors.
func (c *HubConfig) Validate() error {
	var errs []error
	if c.ConnConfig == nil {
		errs = append(errs, errors.New("subscriptions: hub needs a ConnConfig"))
	}
	if c.Channel != "" && !channelName.MatchString(c.Channel) {
		errs = append(errs, fmt.Errorf("subscriptions: channel %q must be a lower-case identifier", c.Channel))
	}
	if c.ReadConcurrency < 0 || c.ReadTimeout < 0 || c.MinBackoff < 0 || c.MaxBackoff < 0 || c.HealthInterval < 0 {
		errs = append(errs, errors.New("subscriptions: hub limits must not be negative"))
	}
	return errors.Join(errs...)
}

func (c *HubConfig) withDefaults() HubConfig {
	d := *c
	if d.Channel == "" {
		d.Channel = DefaultChannel
	}
	if d.ReadConcurrency == 0 {
		d.ReadConcurrency = 4
	}
	if d.ReadTimeout == 0 {
		d.ReadTimeout = 10 * time.Second
	}
	if d.MinBackoff == 0 {
		d.MinBackoff = 100 * time.Millisecond
	}
	if d.MaxBackoff == 0 {
		d.MaxBackoff = 30 * time.Second
	}
	if d.MaxBackoff < d.MinBackoff {
		d.MaxBackoff = d.MinBackoff
	}
	if d.HealthInterval == 0 {
		d.HealthInterval = 30 * time.Second
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	return d
}

// Hub holds the instance's LISTEN connection and fans events out to the
// subscriptions of this instance. Every instance runs its own Hub, so an
// event committed through any instance (or by any other program writing to
// the tables) reaches the subscribers of all of them.
//
// For each event the Hub keeps the subscriptions of the event's entity whose
// Filter matches, groups them by GroupKey, runs one Read per group (at most
// ReadConcurrency at once, each within ReadTimeout) and hands the payload to
// every member. Delivery never blocks the Hub: the socket layer queues it or
// closes a slow connection (see Config.SendQueue).
//
// Lost events: whenever LISTEN (re)starts, every subscription live at that
// moment receives MissedPayload as a next/data message, since changes
// committed while nobody listened are gone (PostgreSQL does not keep them
// for a session that was not listening). The same happens for an overflow
// event of the subscription's entity.
type Hub struct {
	cfg HubConfig

	mu       sync.Mutex
	byEntity map[string]map[*hubSub]struct{}
	live     int

	listening  atomic.Bool
	stateMu    sync.Mutex
	stateCh    chan struct{} // closed and replaced on every listening change
	events     atomic.Int64
	badEvents  atomic.Int64
	reads      atomic.Int64
	reconnects atomic.Int64
	running    atomic.Bool
}

type hubSub struct {
	sub     Subscription
	filter  Filter
	key     string
	deliver func(payload []byte)
}

// NewHub checks cfg and returns a Hub; call Run to start listening.
func NewHub(cfg HubConfig) (*Hub, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Hub{
		cfg:      cfg.withDefaults(),
		byEntity: make(map[string]map[*hubSub]struct{}),
		stateCh:  make(chan struct{}),
	}, nil
}

// HubStats are counters for metrics and tests.
type HubStats struct {
	Listening     bool  // the LISTEN connection is up
	Subscriptions int   // live subscriptions registered
	Events        int64 // events received and parsed
	BadEvents     int64 // payloads dropped (not an event of ours)
	Reads         int64 // group reads run
	Reconnects    int64 // LISTEN (re)starts after the first
}

// Stats returns a snapshot of the counters.
func (h *Hub) Stats() HubStats {
	h.mu.Lock()
	n := h.live
	h.mu.Unlock()
	return HubStats{
		Listening: h.listening.Load(), Subscriptions: n,
		Events: h.events.Load(), BadEvents: h.badEvents.Load(),
		Reads: h.reads.Load(), Reconnects: h.reconnects.Load(),
	}
}

// Listening reports whether the LISTEN connection is up (for /ready).
func (h *Hub) Listening() bool { return h.listening.Load() }

// WaitListening blocks until the LISTEN connection is up or ctx ends.
func (h *Hub) WaitListening(ctx context.Context) error {
	for {
		h.stateMu.Lock()
		ch := h.stateCh
		h.stateMu.Unlock()
		if h.listening.Load() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (h *Hub) setListening(v bool) {
	h.stateMu.Lock()
	h.listening.Store(v)
	close(h.stateCh)
	h.stateCh = make(chan struct{})
	h.stateMu.Unlock()
}

// Subscribe registers sub; deliver is called with each payload for it (from
// the Hub's goroutines; it must not block). The returned function removes
// the registration; it is idempotent. Subscribe never blocks on the
// database.
func (h *Hub) Subscribe(sub Subscription, deliver func(payload []byte)) (unsubscribe func()) {
	s := &hubSub{sub: sub, filter: sub.Filter(), key: sub.GroupKey(), deliver: deliver}
	entity := sub.Entity()
	h.mu.Lock()
	set := h.byEntity[entity]
	if set == nil {
		set = make(map[*hubSub]struct{})
		h.byEntity[entity] = set
	}
	set[s] = struct{}{}
	h.live++
	h.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			h.mu.Lock()
			if set := h.byEntity[entity]; set != nil {
				if _, ok := set[s]; ok {
					delete(set, s)
					h.live--
				}
				if len(set) == 0 {
					delete(h.byEntity, entity)
				}
			}
			h.mu.Unlock()
		})
	}
}

// Run holds the LISTEN connection until ctx ends, reconnecting with
// exponential backoff; it returns nil when ctx ends. Run may be called once.
func (h *Hub) Run(ctx context.Context) error {
	if !h.running.CompareAndSwap(false, true) {
		return errors.New("subscriptions: Hub.Run called twice")
	}
	backoff := h.cfg.MinBackoff
	started := false
	for {
		conn, err := h.connect(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			wait := backoff/2 + rand.N(backoff/2+1)
			h.cfg.Logger.Warn("subscriptions: LISTEN connection failed", "err", err, "retry_in", wait)
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return nil
			}
			backoff = min(backoff*2, h.cfg.MaxBackoff)
			continue
		}
		backoff = h.cfg.MinBackoff
		if started {
			h.reconnects.Add(1)
			h.cfg.Logger.Info("subscriptions: LISTEN connection restored")
		}
		started = true
		// LISTEN is active on conn: signal the subscriptions that were live
		// while it was not, then report listening. In this order a
		// subscription registered after WaitListening returns never gets a
		// stale EVENTS_MISSED, and one registered in between misses nothing
		// (the channel is already being listened to).
		h.signalAll()
		h.setListening(true)
		err = h.listen(ctx, conn)
		h.setListening(false)
		closeCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		_ = conn.Close(closeCtx)
		cancel()
		if ctx.Err() != nil {
			return nil
		}
		h.cfg.Logger.Warn("subscriptions: LISTEN connection lost", "err", err)
	}
}

func (h *Hub) connect(ctx context.Context) (*pgx.Conn, error) {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	cc := h.cfg.ConnConfig.Copy()
	// A config taken from a connected *pgx.Conn carries that connection's
	// notification buffer; nil lets pgx bind the buffer to this one.
	cc.OnNotification = nil
	conn, err := pgx.ConnectConfig(cctx, cc)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(cctx, "LISTEN "+pgx.Identifier{h.cfg.Channel}.Sanitize()); err != nil {
		_ = conn.Close(context.Background())
		return nil, err
	}
	return conn, nil
}

// listen handles notifications until the connection fails or ctx ends.
func (h *Hub) listen(ctx context.Context, conn *pgx.Conn) error {
	for {
		wctx, cancel := context.WithTimeout(ctx, h.cfg.HealthInterval)
		n, err := conn.WaitForNotification(wctx)
		timedOut := wctx.Err() != nil
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if !timedOut || conn.IsClosed() {
				return err
			}
			pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			err = conn.Ping(pctx)
			cancel()
			if err != nil {
				return fmt.Errorf("health check: %w", err)
			}
			continue
		}
		if n != nil { // nil: another asynchronous message woke the wait
			h.dispatch(ctx, []byte(n.Payload))
		}
	}
}

// signalAll sends MissedPayload to every live subscription.
func (h *Hub) signalAll() {
	var targets []*hubSub
	h.mu.Lock()
	for _, set := range h.byEntity {
		for s := range set {
			targets = append(targets, s)
		}
	}
	h.mu.Unlock()
	for _, s := range targets {
		s.deliver([]byte(MissedPayload))
	}
}

// dispatch handles one NOTIFY payload.
func (h *Hub) dispatch(ctx context.Context, payload []byte) {
	ev, err := ParseEvent(payload)
	if err != nil {
		h.badEvents.Add(1)
		h.cfg.Logger.Warn("subscriptions: dropped a notification", "channel", h.cfg.Channel, "err", err)
		return
	}
	h.events.Add(1)
	groups := make(map[string][]*hubSub)
	h.mu.Lock()
	for s := range h.byEntity[ev.Entity] {
		if ev.Overflow || s.filter.Matches(&ev) {
			groups[s.key] = append(groups[s.key], s)
		}
	}
	h.mu.Unlock()
	if ev.Overflow {
		for _, members := range groups {
			for _, s := range members {
				s.deliver([]byte(MissedPayload))
			}
		}
		return
	}
	if len(groups) == 1 {
		for _, members := range groups {
			h.readGroup(ctx, &ev, members)
		}
		return
	}
	// A fixed set of readers takes the groups one by one.
	work := make(chan []*hubSub)
	var wg sync.WaitGroup
	for range min(h.cfg.ReadConcurrency, len(groups)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for members := range work {
				h.readGroup(ctx, &ev, members)
			}
		}()
	}
	for _, members := range groups {
		work <- members
	}
	close(work)
	wg.Wait()
}

func (h *Hub) readGroup(ctx context.Context, ev *Event, members []*hubSub) {
	h.reads.Add(1)
	rctx, cancel := context.WithTimeout(ctx, h.cfg.ReadTimeout)
	defer cancel()
	payload, deliver, err := safeRead(rctx, members[0].sub, *ev)
	if err != nil {
		if ctx.Err() != nil {
			return // shutting down: nobody is waiting for this
		}
		h.cfg.Logger.Error("subscriptions: event read failed", "entity", ev.Entity, "id", ev.ID, "err", err)
		payload, deliver = []byte(internalReadPayload), true
	}
	if !deliver {
		return
	}
	for _, s := range members {
		s.deliver(payload)
	}
}

// safeRead turns a panic in the engine into an error: one bad subscription
// must not take the Hub (and every other subscriber) down.
func safeRead(ctx context.Context, sub Subscription, ev Event) (payload []byte, deliver bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic in Read: %v\n%s", r, debug.Stack())
		}
	}()
	return sub.Read(ctx, ev)
}
