/*
 * The kubeconfig fuzz harness's corpus replayed in the gcc builds (see
 * tests/lib/fuzz-replay.h): seeds and regression inputs must pass under
 * ASan+UBSan without libFuzzer.
 */
#include "../fuzz/fuzz-kubeconfig.c"

#define REPLAY_CORPUS "kubeconfig"
#include "fuzz-replay.h"
