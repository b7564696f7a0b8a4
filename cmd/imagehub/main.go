// Command imagehub runs the imagehub controller manager and its tools.
package main

import (
	"flag"
	"os"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
)

func main() {
	if err := newRootCommand().Execute(); err != nil {
		os.Exit(1)
	}
}

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "imagehub",
		Short:         "imagehub keeps a catalog of cluster images as Kubernetes resources",
		SilenceUsage:  true,
		SilenceErrors: false,
	}
	root.AddCommand(newControllerCommand())
	root.AddCommand(newRunLocalCommand())
	return root
}

// addLogFlags registers controller-runtime's zap flags (--zap-log-level and
// friends) on cmd and returns the options they fill.
func addLogFlags(cmd *cobra.Command) *zap.Options {
	opts := &zap.Options{}
	goFlags := flag.NewFlagSet(cmd.Name(), flag.ContinueOnError)
	opts.BindFlags(goFlags)
	cmd.Flags().AddGoFlagSet(goFlags)
	return opts
}
