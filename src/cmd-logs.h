/*
 * Print mode: `kpod logs POD [-c C] [-f] [--tail N] [--timestamps]
 * [--previous] [-n NS] [--kubeconfig F] [--context C]` prints what
 * `kubectl logs` prints, through the same resumable stream as the log
 * panes (so -f survives drops and follows restarts), and exits.
 */
#ifndef KPOD_CMD_LOGS_H
#define KPOD_CMD_LOGS_H

/* argv[0] is "logs". Returns the process exit status. */
int cmd_logs_main(int argc, char **argv);

#endif
