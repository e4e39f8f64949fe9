package events_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/orderflow/platform/events"
)

// FuzzDecode feeds the consumers' decoder what a hostile or broken producer
// could publish. Seeds are real envelopes of every event type (as the
// services produce them) and a few near misses. Decode must never panic;
// every refusal wraps ErrInvalid (the consumer dead-letters by it); and an
// accepted event survives a round trip: what a consumer accepts, it would
// also accept re-published (a redrive).
func FuzzDecode(f *testing.F) {
	for _, p := range append(payloads(), sagaPayloads()...) {
		_, key := keyOf(p)
		env, err := events.New(key, placedAt, p)
		if err != nil {
			f.Fatal(err)
		}
		b, err := env.Encode()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{``, `{}`, `null`, `[]`, `{"id":"x"}`, `{"payload":{}}`, "\xff\xfe"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		env, p, err := events.Decode(b)
		if err != nil {
			if !errors.Is(err, events.ErrInvalid) {
				t.Fatalf("Decode(%q) = %v, which does not wrap ErrInvalid", b, err)
			}
			return
		}
		if p == nil || env.Key() == "" {
			t.Fatalf("Decode(%q) accepted it without a payload or key: %+v", b, env)
		}
		again, err := env.Encode()
		if err != nil {
			t.Fatalf("re-encode an accepted envelope: %v", err)
		}
		env2, p2, err := events.Decode(again)
		if err != nil {
			t.Fatalf("accepted %q, but refused it re-encoded (%s): %v", b, again, err)
		}
		if env2.ID != env.ID || env2.Type != env.Type || env2.Key() != env.Key() || !reflect.DeepEqual(p2, p) {
			t.Fatalf("round trip changed the event:\n%+v %+v\n%+v %+v", env, p, env2, p2)
		}
		if !json.Valid(again) {
			t.Fatalf("re-encoded envelope is not JSON: %s", again)
		}
	})
}
