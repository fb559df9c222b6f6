/*
 * Print mode: `kpod explain RESOURCE[.FIELD...] [--kubeconfig F] [--context
 * C]` prints what `kubectl explain` prints, from the server's OpenAPI v3
 * document (fetched the same way as for the explain pane) and exits.
 */
#ifndef KPOD_CMD_EXPLAIN_H
#define KPOD_CMD_EXPLAIN_H

/* argv[0] is "explain". Returns the process exit status. */
int cmd_explain_main(int argc, char **argv);

#endif
