package invoice

import (
	"errors"
	"fmt"

	"github.com/orderflow/platform/config"
)

// MaxLimitCents bounds a credit limit (the same bound as
// DEFAULT_CREDIT_LIMIT_CENTS).
const MaxLimitCents int64 = config.MaxCreditLimitCents

// Limit is a customer's own credit limit.
type Limit struct {
	CustomerID string
	LimitCents int64
}

// Seeded are the customers whose limit is set when the database is created,
// for the payment-declined lesson: every other customer has the default
// (DEFAULT_CREDIT_LIMIT_CENTS), far above any scenario's orders.
var Seeded = []Limit{
	// Every charge is declined: one order shows the whole decline path.
	{CustomerID: "cust-broke", LimitCents: 0},
	// €100: two orders of SKU-002 (€49) fit, the third is declined.
	{CustomerID: "cust-thrifty", LimitCents: 10_000},
}

// ErrLimitRange: a limit below 0 or above MaxLimitCents.
var ErrLimitRange = errors.New("credit limit out of range")

// ValidateLimit reports a limit outside 0..MaxLimitCents.
func ValidateLimit(cents int64) error {
	if cents < 0 || cents > MaxLimitCents {
		return fmt.Errorf("%w: %d is outside 0..%d cents", ErrLimitRange, cents, MaxLimitCents)
	}
	return nil
}

// Credit is a customer's limit and what is charged against it: the sum of
// the customer's ISSUED invoices (a VOIDED one gives its amount back, a
// DECLINED one never took any).
type Credit struct {
	CustomerID   string
	LimitCents   int64
	ChargedCents int64
}

// RemainingCents is what a charge may still take; never below zero (a
// limit lowered under what is already charged leaves nothing).
func (c Credit) RemainingCents() int64 { return max(c.LimitCents-c.ChargedCents, 0) }

// ProviderDeclined is the reason of a charge the decline_rate fault refused.
const ProviderDeclined = "declined by the payment provider (fault decline_rate)"

// Decide charges amountCents against c: ISSUED when it fits in the remaining
// credit and the payment provider accepts it, otherwise DECLINED with the
// reason (the credit first: it does not depend on luck).
func Decide(amountCents int64, c Credit, providerDeclines bool) (Status, string) {
	if rem := c.RemainingCents(); amountCents > rem {
		return Declined, fmt.Sprintf("credit limit exceeded: the charge of %s is over the %s of credit remaining to customer %s (limit %s)",
			Euros(amountCents), Euros(rem), c.CustomerID, Euros(c.LimitCents))
	}
	if providerDeclines {
		return Declined, ProviderDeclined
	}
	return Issued, ""
}

// Euros formats cents as "€12.34".
func Euros(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s€%d.%02d", sign, cents/100, cents%100)
}
