/* Swarm's window onto ncursesw. Swift cannot import curses' macros for attributes, mouse masks and
 * globals such as stdscr, LINES and COLS (Swift 6 rejects reads of shared mutable globals), so this header
 * re-exports what CursesTerminal needs as small inline functions. After editing it, touch a Swift file in
 * CursesTerminal: SwiftPM does not track system-library headers. */
#ifndef SWARM_CNCURSES_SHIM_H
#define SWARM_CNCURSES_SHIM_H

#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <langinfo.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include <ncursesw/curses.h>

/* Declared by <wchar.h> only under _XOPEN_SOURCE. */
extern int wcwidth(wchar_t c);

static inline int swarm_wcwidth(unsigned int scalar) { return wcwidth((wchar_t)scalar); }

/* Terminal setup: newterm returns NULL for an unknown TERM instead of exiting like initscr. */
static inline SCREEN *swarm_newterm(const char *term) { return newterm(term, stdout, stdin); }
static inline WINDOW *swarm_stdscr(void) { return stdscr; }
static inline int swarm_lines(void) { return LINES; }
static inline int swarm_cols(void) { return COLS; }
static inline int swarm_colors(void) { return COLORS; }
static inline int swarm_color_pairs(void) { return COLOR_PAIRS; }

/* Locale: the user's, or C.UTF-8 when theirs is not UTF-8 (LANG unset or C). Returns 1 if UTF-8. */
static inline int swarm_setup_locale(void) {
    setlocale(LC_ALL, "");
    const char *codeset = nl_langinfo(CODESET);
    if (codeset && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0)) return 1;
    if (setlocale(LC_CTYPE, "C.UTF-8") || setlocale(LC_CTYPE, "en_US.UTF-8")) return 1;
    return 0;
}

/* Attributes. */
static inline attr_t swarm_a_normal(void) { return A_NORMAL; }
static inline attr_t swarm_a_bold(void) { return A_BOLD; }
static inline attr_t swarm_a_dim(void) { return A_DIM; }
static inline attr_t swarm_a_underline(void) { return A_UNDERLINE; }
static inline attr_t swarm_a_reverse(void) { return A_REVERSE; }
static inline attr_t swarm_a_italic(void) { return A_ITALIC; }

/* One cell: a grapheme given as up to CCHARW_MAX - 1 scalars, its attributes and color pair. */
static inline int swarm_put_cell(WINDOW *win, int y, int x, const wchar_t *text, attr_t attrs, short pair) {
    cchar_t cell;
    if (setcchar(&cell, text, attrs, pair, NULL) == ERR) return ERR;
    return mvwadd_wch(win, y, x, &cell);
}

static inline int swarm_ccharw_max(void) { return CCHARW_MAX; }

/* Mouse: left clicks and the wheel. */
static inline void swarm_enable_mouse(void) {
    mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    mouseinterval(0);
}

/* 0 nothing, 1 left click, 2 wheel up, 3 wheel down; the cell goes to x and y. */
static inline int swarm_mouse_event(int *x, int *y) {
    MEVENT event;
    if (getmouse(&event) != OK) return 0;
    *x = event.x;
    *y = event.y;
    if (event.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) return 1;
    if (event.bstate & BUTTON4_PRESSED) return 2;
#ifdef BUTTON5_PRESSED
    if (event.bstate & BUTTON5_PRESSED) return 3;
#endif
    return 0;
}

#endif
