package kafkalog

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/orderflow/platform/topology"
)

// GroupPartitionLag is one consumer group's backlog on one partition.
type GroupPartitionLag struct {
	Group string `json:"group"`
	PartitionLag
}

// StackLag is the backlog of every consumer group of l's stack on every
// partition it consumes.
func StackLag(ctx context.Context, brokers []string, l Log) ([]GroupPartitionLag, error) {
	var rows []GroupPartitionLag
	for _, s := range l.Services() {
		group := l.Group(s.Name)
		parts, err := GroupLagByPartition(ctx, brokers, group, topology.Prefixed(l.Prefix, s.Consumes))
		if err != nil {
			return nil, fmt.Errorf("lag of %s: %w", group, err)
		}
		for _, p := range parts {
			rows = append(rows, GroupPartitionLag{Group: group, PartitionLag: p})
		}
	}
	return rows, nil
}

// PrintStackLag writes rows as a table and each group's total, in the
// topology's order.
func PrintStackLag(w io.Writer, l Log, rows []GroupPartitionLag) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "GROUP\tTOPIC\tPARTITION\tCOMMITTED\tEND\tLAG\t")
	total := map[string]int64{}
	for _, r := range rows {
		committed := fmt.Sprint(r.Committed)
		if r.Committed < 0 {
			committed = "–"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%d\t%d\t\n", r.Group, r.Topic, r.Partition, committed, r.End, r.Lag)
		total[r.Group] += r.Lag
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, s := range l.Services() {
		group := l.Group(s.Name)
		fmt.Fprintf(w, "%s: %d events behind\n", group, total[group])
	}
	return nil
}
