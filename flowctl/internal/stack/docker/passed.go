package docker

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// composeEnvFile is the part of docker-compose.yml that says what each
// service's container gets in its environment.
type composeEnvFile struct {
	Services map[string]struct {
		Environment map[string]string `yaml:"environment"`
	} `yaml:"services"`
}

// checkPassed refuses variables that docker-compose.yml does not hand from
// compose's own environment to service (`NAME: ${NAME…}`): setting one in
// compose's environment would restart the container without it, and the
// caller would measure the default while believing it set something else.
func checkPassed(root, service string, vars map[string]string) error {
	path := filepath.Join(root, "docker-compose.yml")
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var f composeEnvFile
	if err := yaml.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	env := f.Services[service].Environment
	var missing []string
	for k := range vars {
		if !strings.Contains(env[k], "${"+k) {
			missing = append(missing, k)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	slices.Sort(missing)
	return fmt.Errorf("docker-compose.yml does not pass %s to %s: add `%s: ${%s:-<default>}` to its environment",
		strings.Join(missing, ", "), service, missing[0], missing[0])
}
