package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/labring/imagehub/internal/controller"
)

// managerFlags are the flags of the controller manager, shared by the
// controller and run-local commands.
type managerFlags struct {
	kubeconfig         string
	metricsAddress     string
	probeAddress       string
	leaderElect        bool
	qps                float32
	burst              int
	maxStatusBytes     int
	leaderElectionName string
	leaderElectionNS   string
}

func (f *managerFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.kubeconfig, "kubeconfig", "",
		"path to a kubeconfig file; empty means in-cluster config, then $KUBECONFIG, then ~/.kube/config")
	fs.StringVar(&f.metricsAddress, "metrics-bind-address", "0",
		"address the Prometheus metrics endpoint listens on, such as :8080; 0 disables it")
	fs.StringVar(&f.probeAddress, "health-probe-bind-address", ":8081",
		"address the /healthz and /readyz endpoints listen on; 0 disables them")
	fs.BoolVar(&f.leaderElect, "leader-elect", false,
		"elect a leader so that only one replica of the manager is active")
	fs.StringVar(&f.leaderElectionName, "leader-election-id", "imagehub.sealos.io",
		"name of the Lease used for leader election")
	fs.StringVar(&f.leaderElectionNS, "leader-election-namespace", "",
		"namespace of the leader election Lease; required with --leader-elect outside a cluster, "+
			"where the pod's own namespace is not known")
	fs.Float32Var(&f.qps, "kube-api-qps", 200,
		"requests per second the manager's client may send to the API server")
	fs.IntVar(&f.burst, "kube-api-burst", 400,
		"requests the manager's client may send in a burst above --kube-api-qps")
	fs.IntVar(&f.maxStatusBytes, "max-status-bytes", controller.DefaultMaxStatusBytes,
		"largest serialized DataPack status, in bytes, the controller writes; a larger answer is an ERROR")
}

// restConfig loads the client configuration the flags name.
func (f *managerFlags) restConfig() (*rest.Config, error) {
	var cfg *rest.Config
	var err error
	if f.kubeconfig != "" {
		cfg, err = clientcmd.BuildConfigFromFlags("", f.kubeconfig)
	} else {
		cfg, err = ctrl.GetConfig()
	}
	if err != nil {
		return nil, fmt.Errorf("failed to load the kubeconfig: %w", err)
	}
	return cfg, nil
}

// runManager starts the imagehub controllers against cfg and blocks until ctx
// is done or the manager fails.
func (f *managerFlags) runManager(ctx context.Context, cfg *rest.Config) error {
	cfg = rest.CopyConfig(cfg)
	cfg.QPS = f.qps
	cfg.Burst = f.burst

	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                  controller.NewScheme(),
		Metrics:                 metricsserver.Options{BindAddress: f.metricsAddress},
		HealthProbeBindAddress:  f.probeAddress,
		LeaderElection:          f.leaderElect,
		LeaderElectionID:        f.leaderElectionName,
		LeaderElectionNamespace: f.leaderElectionNS,
		// The process exits right after the manager stops, so handing the
		// lease over early is safe and spares a successor the lease timeout.
		LeaderElectionReleaseOnCancel: true,
	})
	if err != nil {
		return fmt.Errorf("failed to create the manager: %w", err)
	}
	if err := controller.Setup(ctx, mgr, controller.Options{MaxStatusBytes: f.maxStatusBytes}); err != nil {
		return err
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		return fmt.Errorf("failed to add the health check: %w", err)
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		return fmt.Errorf("failed to add the readiness check: %w", err)
	}
	ctrl.Log.WithName("setup").Info("Starting manager",
		"host", cfg.Host, "metricsAddress", f.metricsAddress, "probeAddress", f.probeAddress)
	if err := mgr.Start(ctx); err != nil {
		return fmt.Errorf("manager stopped: %w", err)
	}
	return nil
}

func newControllerCommand() *cobra.Command {
	flags := &managerFlags{}
	var logOpts *zap.Options
	cmd := &cobra.Command{
		Use:   "controller",
		Short: "Run the imagehub controller manager against a cluster",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctrl.SetLogger(zap.New(zap.UseFlagOptions(logOpts)))
			cfg, err := flags.restConfig()
			if err != nil {
				return err
			}
			return flags.runManager(ctrl.SetupSignalHandler(), cfg)
		},
	}
	flags.register(cmd)
	logOpts = addLogFlags(cmd)
	return cmd
}
