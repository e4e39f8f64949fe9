package api

import (
	"context"
	"fmt"
	"strings"
)

// ResolveID expands a short id (the demo prints the first block of the
// UUID) by matching it against the newest orders; a full id is returned as
// it is.
func (o *Orders) ResolveID(ctx context.Context, id string) (string, error) {
	if len(id) >= 36 {
		return id, nil
	}
	list, err := o.List(ctx, 500)
	if err != nil {
		return "", err
	}
	var match []string
	for _, ord := range list {
		if strings.HasPrefix(ord.ID, id) {
			match = append(match, ord.ID)
		}
	}
	switch len(match) {
	case 0:
		return "", fmt.Errorf("no order id starts with %q among the newest 500: give the full id", id)
	case 1:
		return match[0], nil
	default:
		return "", fmt.Errorf("%q matches %d orders: give more of the id", id, len(match))
	}
}
