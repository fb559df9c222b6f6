/*
 * Replays a fuzz harness's corpus (tests/fuzz/corpus/REPLAY_CORPUS, seeds
 * and regression inputs of crashes once found) in the ordinary and the
 * ASan+UBSan gcc builds, so a fixed crash stays fixed without clang or
 * libFuzzer. Include after the harness's .c file; it provides main().
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main(void)
{
    const char    *src = getenv("KPOD_SOURCE_DIR");
    char           dir[4096];
    DIR           *d;
    struct dirent *e;
    int            n = 0;

    if (src == NULL) {
        fprintf(stderr, "KPOD_SOURCE_DIR is not set (run through ctest)\n");
        return 1;
    }
    snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/%s", src, REPLAY_CORPUS);
    d = opendir(dir);
    if (d == NULL) {
        perror(dir);
        return 1;
    }
    while ((e = readdir(d)) != NULL) {
        char  path[8192];
        FILE *f;
        char *buf;
        long  len;

        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        f = fopen(path, "rb");
        if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0) {
            perror(path);
            return 1;
        }
        rewind(f);
        buf = malloc((size_t)len + 1);
        if (buf == NULL || fread(buf, 1, (size_t)len, f) != (size_t)len) {
            perror(path);
            return 1;
        }
        fclose(f);
        fprintf(stderr, "replay %s (%ld bytes)\n", e->d_name, len);
        LLVMFuzzerTestOneInput((const uint8_t *)buf, (size_t)len);
        free(buf);
        n++;
    }
    closedir(d);
    if (n == 0) {
        fprintf(stderr, "no inputs in %s\n", dir);
        return 1;
    }
    fprintf(stderr, "ok: %d inputs\n", n);
    return 0;
}
