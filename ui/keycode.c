/*
 * The table from curses' function keys to keyname codes, and the control
 * bytes a terminal sends for ctrl-letter, Tab, Enter, Esc and Backspace.
 * Kept apart from keymaps so src/ stays free of curses.
 */
#include "keycode.h"
#include "keyname.h"
#include "screen.h"
#include "term.h"
#include "util.h"

static const struct {
    int curses;
    int key;
} keycode_table[] = {
    {KEY_UP, KEYC_UP},
    {KEY_DOWN, KEYC_DOWN},
    {KEY_LEFT, KEYC_LEFT},
    {KEY_RIGHT, KEYC_RIGHT},
    {KEY_NPAGE, KEYC_PGDN},
    {KEY_PPAGE, KEYC_PGUP},
    {KEY_HOME, KEYC_HOME},
    {KEY_END, KEYC_END},
    {KEY_IC, KEYC_INSERT},
    {KEY_DC, KEYC_DELETE},
    {KEY_BACKSPACE, KEYC_BACKSPACE},
    {KEY_BTAB, KEYC_BTAB},
    {KEY_ENTER, KEYC_ENTER},
};

int
keycode_from_screen(int k)
{
    if (k & SCREEN_FKEY(0)) {
        int c = k & ~SCREEN_FKEY(0);
        if (c >= KEY_F(1) && c <= KEY_F(12))
            return KEYC_F1 + (c - KEY_F(1));
        for (size_t i = 0; i < nitems(keycode_table); i++)
            if (keycode_table[i].curses == c)
                return keycode_table[i].key;
        return -1;
    }
    switch (k) {
    case '\t':
        return KEYC_TAB;
    case '\r':
    case '\n':
        return KEYC_ENTER;
    case 27:
        return KEYC_ESC;
    case 127:
    case 8:
        return KEYC_BACKSPACE;
    case ' ':
        return KEYC_SPACE;
    case 0:
        return KEYC_SPACE | KEYC_CTRL;
    }
    if (k >= 1 && k <= 26)
        return ('a' + k - 1) | KEYC_CTRL;
    if (k >= 28 && k <= 31)
        return (k + 0x40) | KEYC_CTRL; /* ctrl-\ ctrl-] ctrl-^ ctrl-_ */
    if (k > 32 && k <= 0x10ffff)
        return k;
    return -1;
}
