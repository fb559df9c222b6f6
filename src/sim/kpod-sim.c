/* kpod-sim: entry point (placeholder until the simulator lands). */
#include <stdio.h>

int
main(void)
{
    printf("kpod-sim %s\n", KPOD_VERSION);
    return 0;
}
