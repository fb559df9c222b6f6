/* kpod: entry point (placeholder until the UI lands). */
#include <stdio.h>

int
main(void)
{
    printf("kpod %s\n", KPOD_VERSION);
    return 0;
}
