/*
 * Print mode: `kpod describe pod NAME [-n NS] [--kubeconfig F] [--context
 * C]` prints what `kubectl describe pod` prints: it GETs the pod, lists
 * its events with the field selector kubectl uses, formats both with
 * describe_pod (the describe pane's formatter) and exits.
 */
#ifndef KPOD_CMD_DESCRIBE_H
#define KPOD_CMD_DESCRIBE_H

/* argv[0] is "describe". Returns the process exit status. */
int cmd_describe_main(int argc, char **argv);

#endif
