package events

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of a stock movement, shared by inventory-svc's REST API and the
// events that announce the movements.
const (
	// MaxMovementQty bounds one receipt's quantity and one adjustment's |delta|:
	// large enough for any delivery, small enough that a typo (an extra few
	// zeros) is refused rather than booked.
	MaxMovementQty = 1_000_000
	// MaxReferenceLen is the longest reference (a delivery note, a count sheet), in characters.
	MaxReferenceLen = 100
	// MaxReasonLen is the longest adjustment reason, in characters.
	MaxReasonLen = 200
)

// StockReceived: inventory-svc booked a goods receipt (inventory.v1, key = SKU).
type StockReceived struct {
	MovementID  string `json:"movement_id"`
	SKU         string `json:"sku"`
	Quantity    int    `json:"quantity"`
	Reference   string `json:"reference,omitempty"`
	OnHandAfter int    `json:"on_hand_after"`
}

// StockAdjusted: inventory-svc corrected a SKU's stock after a count or a
// write-off (inventory.v1, key = SKU).
type StockAdjusted struct {
	MovementID  string `json:"movement_id"`
	SKU         string `json:"sku"`
	Delta       int    `json:"delta"`
	Reason      string `json:"reason"`
	Reference   string `json:"reference,omitempty"`
	OnHandAfter int    `json:"on_hand_after"`
}

func (StockReceived) EventType() string { return TypeStockReceived }
func (StockAdjusted) EventType() string { return TypeStockAdjusted }

func (p StockReceived) Validate() error {
	if err := validateMovement(p.MovementID, p.SKU, p.Reference, p.OnHandAfter); err != nil {
		return err
	}
	return ValidateReceiptQty(p.Quantity)
}

func (p StockAdjusted) Validate() error {
	if err := validateMovement(p.MovementID, p.SKU, p.Reference, p.OnHandAfter); err != nil {
		return err
	}
	if err := ValidateDelta(p.Delta); err != nil {
		return err
	}
	return ValidateReason(p.Reason)
}

func validateMovement(id, sku, reference string, onHandAfter int) error {
	switch {
	case id == "":
		return errors.New("movement_id is missing")
	case !SKUPattern.MatchString(sku):
		return fmt.Errorf("sku %q is malformed", sku)
	case onHandAfter < 0:
		return fmt.Errorf("on_hand_after %d is negative", onHandAfter)
	}
	return ValidateReference(reference)
}

// ValidateReceiptQty checks a goods receipt's quantity.
func ValidateReceiptQty(n int) error {
	if n < 1 || n > MaxMovementQty {
		return fmt.Errorf("quantity %d is outside 1..%d", n, MaxMovementQty)
	}
	return nil
}

// ValidateDelta checks an adjustment's signed quantity.
func ValidateDelta(n int) error {
	if n == 0 || n < -MaxMovementQty || n > MaxMovementQty {
		return fmt.Errorf("delta %d is not a non-zero whole number within ±%d", n, MaxMovementQty)
	}
	return nil
}

// ValidateReference checks an optional movement reference. Surrounding
// blanks are refused, not trimmed: the reference is an idempotency key, and
// "PO-7" and "PO-7 " silently being two keys would book a delivery twice.
func ValidateReference(s string) error {
	if s == "" {
		return nil
	}
	if err := validateText(s, MaxReferenceLen); err != nil {
		return fmt.Errorf("reference %w", err)
	}
	if strings.TrimSpace(s) != s {
		return errors.New("reference has leading or trailing blanks")
	}
	return nil
}

// ValidateReason checks an adjustment's required reason.
func ValidateReason(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("reason is missing")
	}
	if err := validateText(s, MaxReasonLen); err != nil {
		return fmt.Errorf("reason %w", err)
	}
	return nil
}

// validateText refuses control and format characters (Cc, Cf: ESC, CR,
// bidi overrides, zero-width spaces), which would break log lines and
// rewrite terminal listings, and text longer than max characters.
func validateText(s string, max int) error {
	if n := utf8.RuneCountInString(s); n > max {
		return fmt.Errorf("is %d characters long, at most %d are allowed", n, max)
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.In(r, unicode.Cc, unicode.Cf) }) >= 0 {
		return errors.New("contains a control or format character")
	}
	return nil
}
