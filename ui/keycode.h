/*
 * Curses input to keyname codes: what screen.c hands to key callbacks
 * (characters, control bytes, SCREEN_FKEY(KEY_*)) becomes the codes that
 * keymaps bind (src/keyname.h). Alt arrives from curses as Esc and then
 * the key, so alt-x bindings are not reachable yet.
 */
#ifndef KPOD_KEYCODE_H
#define KPOD_KEYCODE_H

/* The keyname code of a screen key, or -1 when it has none. */
int keycode_from_screen(int);

#endif
