/*
 * Print mode for the streaming subresources: `kpod port-forward POD
 * [LOCAL:]REMOTE... [--address A]` prints kubectl's messages and forwards
 * until SIGINT; `kpod exec POD [-c C] [-i] [-t] -- CMD ARGS...` runs a
 * command, copies its output and exits with its exit code.
 */
#ifndef KPOD_CMD_FORWARD_H
#define KPOD_CMD_FORWARD_H

/* argv[0] is "port-forward". Returns the process exit status. */
int cmd_portforward_main(int argc, char **argv);
/* argv[0] is "exec". Returns the remote exit code, or 1. */
int cmd_exec_main(int argc, char **argv);

#endif
