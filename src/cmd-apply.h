/*
 * Print mode: `kpod apply -f FILE`, `kpod create -f FILE`, `kpod delete
 * -f FILE` (with -n, --kubeconfig, --context): what the command line's
 * :apply/:create/:delete do, printed like `kubectl apply --server-side`,
 * `kubectl create` and `kubectl delete --wait=false` (results on stdout,
 * errors on stderr, exit 1 when any document failed).
 */
#ifndef KPOD_CMD_APPLY_H
#define KPOD_CMD_APPLY_H

/* argv[0] is "apply", "create" or "delete". Returns the exit status. */
int cmd_apply_main(int argc, char **argv);

#endif
