package cmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/report"
)

const envLong = `env prints platform/config's table of every variable the services read, with
its default and meaning. --markdown prints the table the README embeds.`

func newEnvCmd(g *globals) *cobra.Command {
	var markdown, asJSON bool
	c := &cobra.Command{
		Use:   "env [--markdown]",
		Short: "List the environment variables the services read",
		Long:  envLong,
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			switch {
			case markdown && asJSON:
				return fmt.Errorf("--markdown and --json exclude each other: pick one")
			case markdown:
				_, err := fmt.Fprint(g.env.Stdout, config.MarkdownTable())
				return err
			case asJSON:
				type v struct {
					Name     string `json:"name"`
					Default  string `json:"default"`
					Services string `json:"used_by"`
					Doc      string `json:"meaning"`
				}
				out := make([]v, 0, len(config.Vars))
				for _, x := range config.Vars {
					out = append(out, v(x))
				}
				return printJSON(g.env.Stdout, out)
			}
			return report.Env(g.env.Stdout, config.Vars)
		},
	}
	c.Flags().BoolVar(&markdown, "markdown", false, "print a Markdown table (as in the README)")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}
