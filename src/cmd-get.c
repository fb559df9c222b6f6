/*
 * Stub: print mode (being implemented).
 */
#include "cmd-get.h"

#include <stdio.h>

int
cmd_get_main(int argc, char **argv)
{
    fprintf(stderr, "kpod get: not implemented yet\n");
    return 1;
}
