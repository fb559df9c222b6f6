/*
 * Print mode: `kpod get pods [-A] [-o wide] [-w] [-n NS] [--kubeconfig F]
 * [--context C]` prints the table `kubectl get pods` prints, from the same
 * summaries and cell formatter as the pod pane, and exits.
 */
#ifndef KPOD_CMD_GET_H
#define KPOD_CMD_GET_H

/* argv[0] is "get". Returns the process exit status. */
int cmd_get_main(int argc, char **argv);

#endif
