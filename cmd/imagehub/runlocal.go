package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/labring/imagehub/internal/controller"
	"github.com/labring/imagehub/internal/localcp"
)

// runLocalFlags are the flags of the run-local command.
type runLocalFlags struct {
	manager        managerFlags
	dataDir        string
	kubeconfigOut  string
	catalog        string
	catalogTimeout time.Duration
	apiServerPort  int
	etcdPort       int
	installCRDs    bool
	assetsDir      string
	startTimeout   time.Duration
}

func newRunLocalCommand() *cobra.Command {
	flags := &runLocalFlags{}
	var logOpts *zap.Options
	cmd := &cobra.Command{
		Use:   "run-local",
		Short: "Run imagehub on a local etcd and kube-apiserver, or against a cluster with --kubeconfig",
		Long: `run-local starts etcd and kube-apiserver on loopback, installs the imagehub
CRDs, runs the controller manager in this process, applies the samples and
writes an admin kubeconfig. Ctrl-C stops the manager, kube-apiserver and etcd,
in that order.

With --kubeconfig it runs the manager against that cluster instead and
installs the CRDs only with --install-crds.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctrl.SetLogger(zap.New(zap.UseFlagOptions(logOpts)))
			ctx := log.IntoContext(context.Background(), ctrl.Log.WithName("run-local"))
			if err := flags.complete(cmd); err != nil {
				return err
			}
			ctx, cancel := notifyContext(ctx)
			defer cancel()
			return flags.run(ctx, cmd)
		},
	}
	flags.register(cmd)
	logOpts = addLogFlags(cmd)
	// A person reads this log in a terminal, so it is plain text unless
	// --zap-encoder=json is given.
	encoder := cmd.Flags().Lookup("zap-encoder")
	if err := encoder.Value.Set("console"); err != nil {
		panic(err)
	}
	encoder.DefValue = "console"
	return cmd
}

func (f *runLocalFlags) register(cmd *cobra.Command) {
	f.manager.register(cmd)
	fs := cmd.Flags()
	fs.Lookup("kubeconfig").Usage = "run against the cluster in this kubeconfig file instead of a local control plane"
	probe := fs.Lookup("health-probe-bind-address")
	probe.Usage = "address the /healthz and /readyz endpoints listen on; " +
		"default a free port on 127.0.0.1; 0 disables them"
	probe.DefValue = ""
	fs.StringVar(&f.dataDir, "data-dir", "",
		"directory that keeps etcd's data between runs; default a temporary directory removed on exit")
	fs.StringVar(&f.kubeconfigOut, "kubeconfig-out", "bin/local.kubeconfig",
		"file the admin kubeconfig of the local control plane is written to; removed on exit")
	fs.StringVar(&f.catalog, "catalog", "",
		"file of Image objects (YAML documents or JSON objects) to create or update at start")
	fs.DurationVar(&f.catalogTimeout, "catalog-timeout", 2*time.Minute,
		"how long to wait for the Repositories of the --catalog Images after applying them; 0 skips the wait")
	fs.IntVar(&f.apiServerPort, "apiserver-port", 0, "loopback port of kube-apiserver; 0 picks a free port")
	fs.IntVar(&f.etcdPort, "etcd-port", 0, "loopback port of etcd's client endpoint; 0 picks a free port")
	fs.BoolVar(&f.installCRDs, "install-crds", false,
		"with --kubeconfig, create or update the imagehub CRDs in that cluster")
	fs.StringVar(&f.assetsDir, "assets-dir", "",
		"directory with the etcd and kube-apiserver binaries; default $KUBEBUILDER_ASSETS, "+
			"the directory of this executable, or bin/ of the project")
	fs.DurationVar(&f.startTimeout, "start-timeout", time.Minute,
		"how long etcd, kube-apiserver and the manager each may take to start")
}

// complete checks the flag combination, fills the defaults that depend on
// it and checks that the manager's ports are free.
func (f *runLocalFlags) complete(cmd *cobra.Command) error {
	if f.manager.kubeconfig != "" {
		for _, name := range []string{"data-dir", "kubeconfig-out", "apiserver-port", "etcd-port", "assets-dir"} {
			if cmd.Flags().Changed(name) {
				return fmt.Errorf("--%s applies only to the local control plane, so drop it or drop --kubeconfig", name)
			}
		}
	} else if f.installCRDs {
		return errors.New("--install-crds applies only with --kubeconfig: the local control plane always gets the CRDs")
	}
	for name, port := range map[string]int{"apiserver-port": f.apiServerPort, "etcd-port": f.etcdPort} {
		if port < 0 || port > 65535 {
			return fmt.Errorf("invalid --%s %d: must be 0 to 65535", name, port)
		}
	}
	if !cmd.Flags().Changed("health-probe-bind-address") {
		address, err := localcp.FreeLoopbackAddress()
		if err != nil {
			return err
		}
		f.manager.probeAddress = address
	}
	if err := localcp.CheckListenAddress("the health probes", f.manager.probeAddress,
		"--health-probe-bind-address"); err != nil {
		return err
	}
	return localcp.CheckListenAddress("the metrics endpoint", f.manager.metricsAddress,
		"--metrics-bind-address")
}

// run serves imagehub on a local control plane or, with --kubeconfig, on
// that cluster until ctx is done. A stop requested during the start is not
// an error.
func (f *runLocalFlags) run(ctx context.Context, cmd *cobra.Command) error {
	var err error
	if f.manager.kubeconfig != "" {
		err = f.runRemote(ctx)
	} else {
		err = f.runLocal(ctx, cmd)
	}
	if err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled) {
		log.FromContext(ctx).Info("Stopped before the start completed")
		return nil
	}
	return err
}

// runLocal starts the local control plane, serves imagehub on it until ctx
// is done, then stops the manager, kube-apiserver and etcd in that order.
func (f *runLocalFlags) runLocal(ctx context.Context, cmd *cobra.Command) (err error) {
	// Two runs writing one kubeconfig would leave the first without one.
	if err := os.MkdirAll(filepath.Dir(f.kubeconfigOut), 0o755); err != nil {
		return fmt.Errorf("failed to create the directory of --kubeconfig-out: %w", err)
	}
	lock, err := localcp.LockFile(f.kubeconfigOut+".lock",
		"kubeconfig "+f.kubeconfigOut+" (pass another --kubeconfig-out)")
	if err != nil {
		return err
	}
	defer func() { _ = lock.Close() }()

	plane, assets, err := f.startControlPlane(ctx)
	if err != nil {
		return err
	}
	// Deferred calls run last in, first out, so the manager started below
	// stops before kube-apiserver and etcd do.
	defer func() { err = errors.Join(err, plane.Stop(ctx)) }()
	// Starting the processes does not watch ctx, so a signal that came
	// meanwhile is seen here.
	if err := ctx.Err(); err != nil {
		return err
	}

	cfg := plane.Config()
	if err := localcp.InstallCRDs(ctx, cfg); err != nil {
		return err
	}
	manager := startManager(ctx, &f.manager, cfg)
	defer func() { err = errors.Join(err, manager.Stop(ctx)) }()
	if err := manager.WaitForReady(ctx, f.startTimeout); err != nil {
		return err
	}

	c, err := client.New(cfg, client.Options{Scheme: controller.NewScheme()})
	if err != nil {
		return fmt.Errorf("failed to create the client: %w", err)
	}
	if _, err := localcp.ApplySamples(ctx, c); err != nil {
		return err
	}
	if err := localcp.WriteKubeconfig(f.kubeconfigOut, cfg); err != nil {
		return err
	}
	defer f.removeKubeconfig(ctx)
	log.FromContext(ctx).Info("Wrote the admin kubeconfig", "path", f.kubeconfigOut)

	if err := f.loadCatalog(ctx, c); err != nil {
		return err
	}
	printNextSteps(cmd.OutOrStdout(), f.kubeconfigOut, assets)
	return manager.Wait(ctx)
}

// startControlPlane starts etcd and kube-apiserver from the binaries in
// --assets-dir, or the directory FindAssets returns, which it also returns.
func (f *runLocalFlags) startControlPlane(ctx context.Context) (*localcp.ControlPlane, string, error) {
	assets := f.assetsDir
	if assets == "" {
		var err error
		if assets, err = localcp.FindAssets(); err != nil {
			return nil, "", err
		}
	}
	plane, err := localcp.Start(ctx, localcp.Options{
		AssetsDir:     assets,
		DataDir:       f.dataDir,
		APIServerPort: f.apiServerPort,
		EtcdPort:      f.etcdPort,
		StartTimeout:  f.startTimeout,
		StopTimeout:   30 * time.Second,
	})
	return plane, assets, err
}

// runRemote serves imagehub on the cluster of --kubeconfig until ctx is done.
func (f *runLocalFlags) runRemote(ctx context.Context) (err error) {
	cfg, err := f.manager.restConfig()
	if err != nil {
		return err
	}
	log.FromContext(ctx).Info("Using the cluster of the kubeconfig",
		"kubeconfig", f.manager.kubeconfig, "host", cfg.Host)
	if f.installCRDs {
		if err := localcp.InstallCRDs(ctx, cfg); err != nil {
			return err
		}
	}
	manager := startManager(ctx, &f.manager, cfg)
	defer func() { err = errors.Join(err, manager.Stop(ctx)) }()
	if err := manager.WaitForReady(ctx, f.startTimeout); err != nil {
		return err
	}
	if f.catalog != "" {
		c, err := client.New(cfg, client.Options{Scheme: controller.NewScheme()})
		if err != nil {
			return fmt.Errorf("failed to create the client: %w", err)
		}
		if err := f.loadCatalog(ctx, c); err != nil {
			return err
		}
	}
	return manager.Wait(ctx)
}

func (f *runLocalFlags) loadCatalog(ctx context.Context, c client.Client) error {
	if f.catalog == "" {
		return nil
	}
	_, err := localcp.LoadCatalog(ctx, c, localcp.CatalogOptions{
		Path:         f.catalog,
		Timeout:      f.catalogTimeout,
		SettleTime:   15 * time.Second,
		PollInterval: time.Second,
	})
	return err
}

func (f *runLocalFlags) removeKubeconfig(ctx context.Context) {
	if err := os.Remove(f.kubeconfigOut); err != nil && !errors.Is(err, os.ErrNotExist) {
		log.FromContext(ctx).Error(err, "Failed to remove the kubeconfig", "path", f.kubeconfigOut)
	}
}
