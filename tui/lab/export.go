package lab

import (
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/huh"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/engine/export"
)

// saveFormat is what ctrl+s can write: the lab as a scenario, which the
// lab opens again, or its security groups as something that builds them
// in a real AWS account (engine/export, as `sglab export` writes them).
type saveFormat struct {
	name   string        // as the save form offers it
	ext    string        // how the suggested file name ends
	export export.Format // "" for the scenario
}

func saveFormats() []saveFormat {
	return []saveFormat{
		{name: "Scenario (YAML)", ext: ".yaml"},
		{name: "Terraform", ext: ".tf", export: export.Terraform},
		{name: "AWS CLI script", ext: ".sh", export: export.CLI},
		{name: "CloudFormation", ext: ".cfn.yaml", export: export.CloudFormation},
	}
}

func saveFormatOptions(formats []saveFormat) []huh.Option[int] {
	opts := make([]huh.Option[int], len(formats))
	for k, f := range formats {
		opts[k] = huh.NewOption(f.name, k)
	}
	return opts
}

// withExt is suggest, a scenario's path, named for a file of format f:
// lab.yaml becomes lab.tf.
func (f saveFormat) withExt(suggest string) string {
	base := strings.TrimSuffix(suggest, filepath.Ext(suggest))
	return base + f.ext
}

// describe names what a file of the format holds, for the status line.
func (f saveFormat) describe(w *engine.World) string {
	if f.export == "" {
		return "the lab"
	}
	return "the lab's " + plural(len(w.Groups), "security group") + " as " + f.name
}

// writeFile writes w to path in format f, atomically: a scenario as the
// lab saves it, an export as `sglab export -o` writes it (a script is
// executable).
func (f saveFormat) writeFile(w *engine.World, path, source string) error {
	if f.export == "" {
		return engine.Save(w, path)
	}
	data, err := export.Write(w, f.export, source)
	if err != nil {
		return err
	}
	mode := fs.FileMode(0o644)
	if f.export == export.CLI {
		mode = 0o755
	}
	return engine.WriteFileAtomic(path, data, mode)
}
