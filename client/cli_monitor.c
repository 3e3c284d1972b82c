/* cli_monitor — lkip monitor: the secretariat's board in a terminal (ncurses), with --once
 * the same board printed once as text (or with --json as JSON) for scripts, cron and e-mail, and
 * with --web served to browsers as a live page (webserve.h) instead of drawn in the terminal.
 *
 * The board's content is the board model's (board.h): a snapshot of the board request, the
 * user's events applied as the stream pushes them (the same subscription, sequence numbers and
 * acknowledgements as lkip watch, through evstream, with a position file of its own so that
 * watch and monitor each get every event), a fresh snapshot after every burst of events, after a
 * board hint (the daemon's word that something changed in the organisation that this user was
 * not told of), after a reconnection and when a due time passes; nothing is polled. Keys: arrows (and j/k) move, Enter
 * shows the selected instance's timeline, t shows only overdue rows, r asks for a fresh
 * snapshot, q quits. Usable at 80x24; without colour under NO_COLOR or on a mono terminal
 * (overdue rows are then bold and marked "!"). The main thread only. */
#include "cli.h"

#include "board.h"
#include "clitext.h"
#include "evstream.h"
#include "webhttp.h"
#include "webserve.h"

#include <curses.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FETCH_RETRY_MS 2000 /* after a failed snapshot request */
#define WAIT_MS        50   /* how long one turn waits for an event (keys are read between) */
#define WEB_NAMES      8    /* --web-host given at most */

enum { PAIR_LATE = 1, PAIR_DONE, PAIR_BANNER, PAIR_TITLE };

typedef struct {
    cli_t *cli;
    evstream_t *stream;
    board_t *board;
    bool color;
    bool dirty;       /* the screen must be drawn again */
    int64_t fetch_at; /* monotonic ms: no snapshot request before */
    int top;          /* first row shown (scrolling) */
    char **pager;     /* the timeline shown instead of the board; NULL when none */
    int n_pager, pager_top;
    char message[512]; /* a passing message (a refused request), shown on the key line */
} monitor_t;

static volatile sig_atomic_t s_stop;

static void s_on_signal(int sig)
{
    (void)sig;
    s_stop = 1;
}

static int64_t s_now(void)
{
    return (int64_t)time(NULL);
}

/* ---- the stream's hooks ---------------------------------------------------------------------- */

static void s_state(void *arg, const char *state, uint64_t last)
{
    monitor_t *m = arg;
    if (strcmp(state, "reconnected") == 0) {
        board_set_conn(m->board, BOARD_LIVE, NULL);
        board_invalidate(m->board); /* catch up: the whole board again */
        m->fetch_at = 0;
    } else {
        board_set_conn(m->board, BOARD_DISCONNECTED, "koneksi ke server terputus");
    }
    m->dirty = true;
}

static void s_error(void *arg, int status, const char *code, const char *message, bool retrying)
{
    monitor_t *m = arg;
    char why[256];
    snprintf(why, sizeof why, "%s [%s]", message, code);
    board_set_conn(m->board, BOARD_DISCONNECTED, why);
    m->dirty = true;
}

/* Delivers an event (or a board hint) to the board. */
static int s_apply(void *arg, const Lkip__Event *ev)
{
    monitor_t *m = arg;
    board_apply_event(m->board, ev);
    m->dirty = true;
    return 0;
}

/* ---- requests -------------------------------------------------------------------------------- */

/* Sends a board request; true with *reply (owned) on an answer, else *why says what went wrong
 * (the reply is freed). */
static bool s_board_call(cli_t *cli, Lkip__Envelope **reply, char *why, size_t len)
{
    Lkip__BoardRequest body = LKIP__BOARD_REQUEST__INIT;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_BOARD;
    req.board = &body;
    lkipc_rc_t rc = lkipc_call(cli->conn, &req, reply);
    if (rc != LKIPC_OK) {
        snprintf(why, len, "%s", lkipc_rc_text(rc));
        return false;
    }
    const Lkip__Reply *r = (*reply)->reply;
    if (r->status >= 400 || r->payload_case != LKIP__REPLY__PAYLOAD_BOARD) {
        snprintf(why, len, "%s [%d %s]", r->status >= 400 ? r->message : "jawaban tidak lengkap",
                 r->status, r->code);
        wire_free(reply);
        return false;
    }
    return true;
}

static void s_fetch(monitor_t *m)
{
    if (!board_wants_snapshot(m->board, s_now()) || !evstream_live(m->stream) ||
        monotonic_ms() < m->fetch_at)
        return;
    Lkip__Envelope *reply = NULL;
    char why[256];
    if (s_board_call(m->cli, &reply, why, sizeof why)) {
        board_set_snapshot(m->board, &reply, s_now());
        board_set_conn(m->board, BOARD_LIVE, NULL);
        m->message[0] = '\0';
    } else {
        snprintf(m->message, sizeof m->message, "Papan belum dapat dimuat: %s", why);
        m->fetch_at = monotonic_ms() + FETCH_RETRY_MS;
    }
    m->dirty = true;
}

static void s_pager_close(monitor_t *m)
{
    for (int i = 0; i < m->n_pager; i++)
        free(m->pager[i]);
    free(m->pager);
    m->pager = NULL;
    m->n_pager = m->pager_top = 0;
    m->dirty = true;
}

/* The timeline of instance id as lkip status prints it: 200 and the text, or the refusal's
 * status (502 when lkipd did not answer) and why. Caller frees *text. */
static unsigned s_status_text(monitor_t *m, int64_t id, char **text)
{
    char ref[24];
    snprintf(ref, sizeof ref, "%lld", (long long)id);
    Lkip__StatusRequest body = LKIP__STATUS_REQUEST__INIT;
    body.instance = ref;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT, *reply = NULL;
    req.body_case = LKIP__ENVELOPE__BODY_STATUS;
    req.status = &body;
    lkipc_rc_t rc = lkipc_call(m->cli->conn, &req, &reply);
    if (rc != LKIPC_OK) {
        *text = xasprintf("Riwayat SOP %s tidak dapat dimuat: %s", ref, lkipc_rc_text(rc));
        return 502;
    }
    const Lkip__Reply *r = reply->reply;
    if (r->status >= 400 || r->payload_case != LKIP__REPLY__PAYLOAD_INSTANCES ||
        r->instances->n_instances != 1) {
        *text =
            xasprintf("Riwayat SOP %s tidak dapat dimuat: %s [%d %s]", ref,
                      r->status >= 400 ? r->message : "jawaban tidak lengkap", r->status, r->code);
        unsigned status = r->status >= 400 && r->status < 500 ? (unsigned)r->status : 502;
        wire_free(&reply);
        return status;
    }
    size_t len = 0;
    FILE *f = open_memstream(text, &len);
    clitext_status(f, r->instances->instances[0], true);
    fclose(f);
    wire_free(&reply);
    return 200;
}

/* Enter: the selected instance's timeline (lkip status N), shown as a page. */
static void s_timeline(monitor_t *m)
{
    int64_t id = board_selected_instance(m->board);
    if (!id)
        return;
    char *text = NULL;
    m->dirty = true;
    if (s_status_text(m, id, &text) != 200) {
        snprintf(m->message, sizeof m->message, "%s", text);
        free(text);
        return;
    }
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        m->pager = xrealloc(m->pager, (size_t)(m->n_pager + 1) * sizeof *m->pager);
        m->pager[m->n_pager++] = xstrdup(line);
    }
    free(text);
}

/* ---- drawing --------------------------------------------------------------------------------- */

/* Prints text at (y, x) within width columns (cut, never wrapped; a UTF-8 character is one
 * column, so "…" costs one). */
static void s_put(int y, int x, int width, const char *text)
{
    if (width <= 0)
        return;
    int bytes = 0, cols = 0;
    while (text[bytes] && cols < width) {
        bytes++;
        while (((unsigned char)text[bytes] & 0xC0) == 0x80)
            bytes++;
        cols++;
    }
    mvaddnstr(y, x, text, bytes);
}

static void s_attr(const monitor_t *m, int pair, attr_t mono, bool on)
{
    attr_t a = m->color ? (attr_t)COLOR_PAIR(pair) : mono;
    if (on)
        attron(a);
    else
        attroff(a);
}

/* The column widths of the table for the screen's width. */
typedef struct {
    int no, sop, step, holder, assigned, due, left, rem, ret;
} s_cols_t;

static s_cols_t s_columns(int width)
{
    s_cols_t c = {.no = 4, .sop = 10, .assigned = 0, .due = 12, .left = 13, .rem = 2, .ret = 2};
    if (width >= 120)
        c.assigned = 12;
    int fixed = c.no + c.sop + c.due + c.left + c.rem + c.ret + (c.assigned ? c.assigned + 1 : 0) +
                8; /* the spaces between */
    int flex = width - fixed > 20 ? width - fixed : 20;
    c.step = flex * 60 / 100;
    c.holder = flex - c.step;
    return c;
}

static void s_row_line(const s_cols_t *c, const char *no, const board_cells_t *cells,
                       const char *const *cols, strbuf_t *sb)
{
    const char *v[] = {cols ? cols[0] : cells->sop,       cols ? cols[1] : cells->step,
                       cols ? cols[2] : cells->holder,    cols ? cols[3] : cells->assigned,
                       cols ? cols[4] : cells->due,       cols ? cols[5] : cells->left,
                       cols ? cols[6] : cells->reminders, cols ? cols[7] : cells->returns};
    /* left-aligned text cells are cut with "…" (clitext_fit); the counts are short */
    const int width[] = {c->sop, c->step, c->holder, c->assigned, c->due, c->left};
    char fit[4 * 1024 + 1]; /* 4 bytes a column, for any terminal up to 1024 columns */
    strbuf_puts(sb, clitext_fit(no, c->no, fit, sizeof fit));
    for (int i = 0; i < 6; i++) {
        if (i == 3 && !c->assigned)
            continue;
        strbuf_puts(sb, " ");
        strbuf_puts(sb, clitext_fit(v[i], width[i], fit, sizeof fit));
    }
    strbuf_printf(sb, " %*.*s %*.*s", c->rem, c->rem, v[6], c->ret, c->ret, v[7]);
}

/* The units of a collection row, each coloured by its state. Returns the lines used (1). */
static void s_units(const monitor_t *m, int y, int width, const Lkip__BoardRow *row)
{
    char head[48];
    snprintf(head, sizeof head, "     Unit %d/%d:", row->units_submitted, row->units_total);
    s_put(y, 0, width, head);
    int x = (int)strlen(head);
    for (size_t k = 0; k < row->n_units && x < width; k++) {
        char cell[160];
        board_unit_cell(m->board, row->units[k], cell, sizeof cell);
        const char *st = row->units[k]->state;
        int pair = strcmp(st, "submitted") == 0 ? PAIR_DONE
                   : strcmp(st, "late") == 0    ? PAIR_LATE
                                                : 0;
        if (pair)
            s_attr(m, pair, pair == PAIR_LATE ? A_BOLD : A_NORMAL, true);
        s_put(y, x + 1, width - x - 1, cell);
        if (pair)
            s_attr(m, pair, pair == PAIR_LATE ? A_BOLD : A_NORMAL, false);
        x += 1 + (int)strlen(cell) + 1;
    }
}

/* The detail of the selected row (two lines at y). */
static void s_detail(const monitor_t *m, int y, int width, const Lkip__BoardRow *row)
{
    board_cells_t c;
    board_row_cells(m->board, row, &c);
    char line[512];
    snprintf(line, sizeof line, "#%lld %s langkah %d: %s", (long long)row->instance_id, c.sop,
             row->step_no, row->step_title);
    s_put(y, 0, width, line);
    snprintf(line, sizeof line,
             "  %s; ditugaskan %s, tenggat %s, %s; pengingat %d, dikembalikan %d", c.holder,
             c.assigned, c.due, c.left, row->reminders, row->returns);
    s_put(y + 1, 0, width, line);
}

/* The table of rows from y to bottom (exclusive). */
static void s_table(monitor_t *m, int y, int bottom, int width)
{
    s_cols_t c = s_columns(width);
    static const char *const head[] = {"SOP",     "Langkah", "Pemegang", "Ditugaskan",
                                       "Tenggat", "Waktu",   "Ig",       "Kb"};
    strbuf_t sb = {0};
    s_row_line(&c, "No", NULL, head, &sb);
    attron(A_UNDERLINE);
    s_put(y++, 0, width, strbuf_str(&sb));
    attroff(A_UNDERLINE);
    const Lkip__BoardRow **rows;
    int n = board_rows(m->board, &rows), sel = board_selected(m->board);
    if (n == 0)
        s_put(y, 0, width,
              board_overdue_only(m->board) ? "Tidak ada SOP yang terlambat."
                                           : "Tidak ada SOP yang berjalan.");
    /* keep the selection in view; a collection row takes two lines */
    if (sel < m->top)
        m->top = sel;
    for (;;) {
        int need = 0;
        for (int i = m->top; i <= sel && i < n; i++)
            need += 1 + (rows[i]->n_units > 0);
        if (need <= bottom - y || m->top >= sel)
            break;
        m->top++;
    }
    for (int i = m->top; i < n && y < bottom; i++) {
        board_cells_t cells;
        board_row_cells(m->board, rows[i], &cells);
        char no[16];
        snprintf(no, sizeof no, "%s%lld", cells.overdue ? "!" : " ",
                 (long long)rows[i]->instance_id);
        strbuf_reset(&sb);
        s_row_line(&c, no, &cells, NULL, &sb);
        if (i == sel)
            attron(A_REVERSE);
        if (cells.overdue)
            s_attr(m, PAIR_LATE, A_BOLD, true);
        mvhline(y, 0, ' ', width);
        s_put(y++, 0, width, strbuf_str(&sb));
        if (cells.overdue)
            s_attr(m, PAIR_LATE, A_BOLD, false);
        if (i == sel)
            attroff(A_REVERSE);
        if (rows[i]->n_units && y < bottom)
            s_units(m, y++, width, rows[i]);
    }
    strbuf_free(&sb);
}

/* The strip of the last events from y to the screen's end. */
static void s_strip(const monitor_t *m, int y, int height, int width)
{
    attron(A_UNDERLINE);
    mvhline(y, 0, ' ', width);
    s_put(y++, 0, width, "Pemberitahuan terakhir");
    attroff(A_UNDERLINE);
    for (int i = 0; y < height && i < board_strip_count(m->board); i++)
        s_put(y++, 0, width, board_strip_line(m->board, i));
}

/* The second line: the banner while disconnected, else the keys (or a passing message). */
static void s_keys_line(const monitor_t *m, int width)
{
    if (board_conn(m->board) == BOARD_DISCONNECTED) {
        char banner[512];
        snprintf(banner, sizeof banner,
                 "KONEKSI TERPUTUS: menyambung kembali; papan mungkin tidak terkini (%s)",
                 board_conn_why(m->board));
        s_attr(m, PAIR_BANNER, A_REVERSE | A_BOLD, true);
        mvhline(1, 0, ' ', width);
        s_put(1, 0, width, banner);
        s_attr(m, PAIR_BANNER, A_REVERSE | A_BOLD, false);
    } else if (m->message[0]) {
        s_put(1, 0, width, m->message);
    } else {
        s_put(1, 0, width,
              "Panah: pilih  Enter: riwayat  t: hanya terlambat  r: muat ulang  q: keluar");
    }
}

static void s_draw_pager(monitor_t *m, int height, int width)
{
    attron(A_BOLD);
    s_put(0, 0, width, "Riwayat SOP (Panah: gulir; q, Enter atau Esc: kembali ke papan)");
    attroff(A_BOLD);
    if (m->pager_top > m->n_pager - 1)
        m->pager_top = m->n_pager > 0 ? m->n_pager - 1 : 0;
    for (int y = 1, i = m->pager_top; y < height && i < m->n_pager; y++, i++)
        s_put(y, 0, width, m->pager[i]);
}

static void s_draw(monitor_t *m)
{
    int height = LINES, width = COLS;
    erase();
    if (m->pager) {
        s_draw_pager(m, height, width);
    } else {
        char *title = board_title(m->board);
        s_attr(m, PAIR_TITLE, A_BOLD, true);
        attron(A_BOLD);
        mvhline(0, 0, ' ', width);
        s_put(0, 0, width, title);
        attroff(A_BOLD);
        s_attr(m, PAIR_TITLE, A_BOLD, false);
        free(title);
        s_keys_line(m, width);
        int strip = height >= 20 ? 5 : height >= 12 ? 2 : 0;
        int detail = height >= 16 ? 2 : 0;
        int bottom = height - (strip ? strip + 1 : 0) - detail;
        s_table(m, 2, bottom, width);
        const Lkip__BoardRow **rows;
        int n = board_rows(m->board, &rows);
        if (detail && n)
            s_detail(m, bottom, width, rows[board_selected(m->board)]);
        if (strip)
            s_strip(m, bottom + detail, height, width);
    }
    refresh();
    m->dirty = false;
}

/* ---- the loop -------------------------------------------------------------------------------- */

/* One key. Returns false for q. */
static bool s_key(monitor_t *m, int key)
{
    m->dirty = true;
    if (m->pager) {
        if (key == 'q' || key == 27 || key == '\n' || key == KEY_ENTER)
            s_pager_close(m);
        else if (key == KEY_UP || key == 'k')
            m->pager_top = m->pager_top > 0 ? m->pager_top - 1 : 0;
        else if (key == KEY_DOWN || key == 'j')
            m->pager_top++;
        else if (key == KEY_NPAGE || key == ' ')
            m->pager_top += LINES - 2;
        else if (key == KEY_PPAGE)
            m->pager_top = m->pager_top > LINES - 2 ? m->pager_top - (LINES - 2) : 0;
        return true;
    }
    if (key == 'q' || key == 'Q')
        return false;
    if (key == KEY_UP || key == 'k')
        board_move(m->board, -1);
    else if (key == KEY_DOWN || key == 'j')
        board_move(m->board, 1);
    else if (key == KEY_NPAGE)
        board_move(m->board, LINES / 2);
    else if (key == KEY_PPAGE)
        board_move(m->board, -LINES / 2);
    else if (key == 't' || key == 'T')
        board_set_overdue_only(m->board, !board_overdue_only(m->board));
    else if (key == 'r' || key == 'R') {
        board_invalidate(m->board);
        m->fetch_at = 0;
    } else if (key == '\n' || key == KEY_ENTER)
        s_timeline(m);
    else if (key == KEY_RESIZE)
        clearok(curscr, TRUE);
    return true;
}

/* Applies every event waiting (the first wait up to WAIT_MS). Returns an EXIT_ status when the
 * stream cannot go on, else EXIT_OK. */
static int s_events(monitor_t *m)
{
    for (int wait = WAIT_MS;; wait = 0) {
        Lkip__Envelope *ev = NULL;
        int got = evstream_next(m->stream, wait, &ev);
        if (got < 0)
            return -got;
        if (got == 0)
            return EXIT_OK;
        evstream_take(m->stream, ev->event, s_apply, m); /* s_apply never refuses */
        wire_free(&ev);
    }
}

static void s_curses_start(monitor_t *m)
{
    setlocale(LC_ALL, "");
    initscr();
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    curs_set(0);
    m->color = has_colors() && !getenv("NO_COLOR");
    if (m->color) {
        start_color();
        use_default_colors();
        init_pair(PAIR_LATE, COLOR_RED, -1);
        init_pair(PAIR_DONE, COLOR_GREEN, -1);
        init_pair(PAIR_BANNER, COLOR_WHITE, COLOR_RED);
        init_pair(PAIR_TITLE, COLOR_CYAN, -1);
    }
}

static int s_loop(monitor_t *m)
{
    int rc = EXIT_OK;
    s_curses_start(m);
    while (!s_stop && rc == EXIT_OK) {
        rc = s_events(m);
        s_fetch(m);
        bool quit = false;
        for (int key; !quit && (key = getch()) != ERR;)
            quit = !s_key(m, key);
        if (quit)
            break;
        if (m->dirty)
            s_draw(m);
    }
    endwin();
    return rc;
}

/* ---- the web face (--web) ----------------------------------------------------------------- */

typedef struct {
    const char *addr;       /* ADDR as given; NULL: WEBHTTP_DEFAULT_ADDR */
    const char *token_file; /* --web-token; NULL: a random token */
    const char *names[WEB_NAMES + 1];
    int n_names;
} web_opts_t;

/* Hands the board as it stands to the page and its streams. */
static void s_web_publish(monitor_t *m, webserve_t *ws)
{
    json_t *view = board_view_json(m->board, m->message);
    char *v = json_dumps(view, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(view);
    char *b = NULL;
    if (board_snapshot(m->board)) {
        json_t *board = board_json(m->board);
        b = json_dumps(board, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        json_decref(board);
    }
    webserve_publish(ws, v, b, board_text(m->board));
    m->dirty = false;
}

static int s_web_loop(monitor_t *m, webserve_t *ws)
{
    int rc = EXIT_OK;
    while (!s_stop && rc == EXIT_OK) {
        rc = s_events(m);
        s_fetch(m);
        int64_t asked = webserve_question(ws);
        if (asked) {
            char *text = NULL;
            unsigned status = s_status_text(m, asked, &text);
            webserve_answer(ws, asked, status, text);
        }
        if (m->dirty)
            s_web_publish(m, ws);
    }
    return rc;
}

/* The token: from --web-token's file, else a new random one (then *shown: printed in the URL).
 * Returns EXIT_OK or EXIT_USAGE (said why). */
static int s_web_token(const cli_cmd_t *me, const web_opts_t *o, char **token, bool *shown)
{
    *shown = !o->token_file;
    if (!o->token_file) {
        *token = webhttp_token_new();
        return EXIT_OK;
    }
    struct stat st;
    if (stat(o->token_file, &st) == 0 && (st.st_mode & 077))
        return cli_usage(me,
                         "berkas token \"%s\" dapat dibaca orang lain (mode %04o); "
                         "jalankan chmod 600 \"%s\"",
                         o->token_file, (unsigned)(st.st_mode & 07777), o->token_file);
    char *text = NULL;
    size_t len;
    int rc = read_file(o->token_file, 4096, &text, &len);
    if (rc != 0)
        return cli_usage(me, "berkas token \"%s\" tidak dapat dibaca: %s", o->token_file,
                         strerror(-rc));
    const char *why = NULL;
    rc = webhttp_token_from_text(text, token, &why);
    free(text);
    return rc == 0 ? EXIT_OK : cli_usage(me, "berkas token \"%s\": %s", o->token_file, why);
}

/* Where to open the page, printed once it listens. */
static void s_web_say(const char *host, unsigned port, const char *token, bool shown)
{
    bool v6 = strchr(host, ':') != NULL;
    bool any = strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0;
    printf("Papan pemantauan di peramban: http://%s%s%s:%u/%s%s [web_listening]\n", v6 ? "[" : "",
           host, v6 ? "]" : "", port, shown ? "?token=" : "", shown ? token : "");
    if (any)
        printf("Mendengarkan di semua alamat komputer ini: buka dengan alamat IP komputer ini "
               "(atau nama dari --web-host).\n");
    printf("%s Ctrl+C untuk berhenti. Halaman hanya untuk dibaca.\n",
           shown ? "Alamat itu berisi token akses: jangan dibagikan."
                 : "Halaman meminta token dari --web-token.");
    fflush(stdout);
}

static int s_web(cli_t *cli, const cli_cmd_t *me, const web_opts_t *o)
{
    char host[64];
    unsigned port;
    const char *addr = o->addr ? o->addr : WEBHTTP_DEFAULT_ADDR;
    if (!webhttp_parse_addr(addr, host, sizeof host, &port))
        return cli_usage(me, "alamat \"%s\" tidak dikenal: gunakan IP:PORT, [IPv6]:PORT atau PORT",
                         addr);
    if (!webhttp_is_loopback(host) && !o->token_file)
        return cli_usage(me,
                         "alamat \"%s\" bukan loopback: orang lain dapat membukanya, jadi "
                         "--web-token BERKAS wajib",
                         addr);
    char *token = NULL;
    bool shown;
    int rc = s_web_token(me, o, &token, &shown);
    if (rc != EXIT_OK || (rc = cli_connect(cli)) != EXIT_OK) {
        free(token);
        return rc;
    }
    char err[256];
    webserve_conf_t conf = {.host = host, .port = port, .token = token, .names = o->names};
    webserve_t *ws = webserve_new(&conf, err, sizeof err);
    if (!ws) {
        fprintf(stderr, "lkip: %s [web_listen_failed]\n", err);
        free(token);
        return EXIT_USAGE;
    }
    monitor_t m = {.cli = cli, .board = board_new(), .dirty = true};
    s_web_publish(&m, ws);
    s_web_say(host, webserve_port(ws), token, shown);
    sodium_memzero(token, strlen(token));
    free(token);
    static const evstream_hooks_t hooks = {.state = s_state, .error = s_error};
    m.stream = evstream_new(cli, "monitor-web-seq", &hooks, &m);
    evstream_board_hints(m.stream); /* changes nobody told this user of */
    rc = evstream_start(m.stream);
    if (rc == EXIT_OK) {
        board_set_conn(m.board, BOARD_LIVE, NULL);
        rc = s_web_loop(&m, ws);
    }
    webserve_destroy(&ws);
    evstream_destroy(&m.stream);
    board_destroy(&m.board);
    return rc;
}

/* --once: the board printed once. */
static int s_once(cli_t *cli)
{
    Lkip__BoardRequest body = LKIP__BOARD_REQUEST__INIT;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT, *reply = NULL;
    req.body_case = LKIP__ENVELOPE__BODY_BOARD;
    req.board = &body;
    int rc = cli_call_for(cli, &req, LKIP__REPLY__PAYLOAD_BOARD, &reply);
    if (rc != EXIT_OK)
        return rc;
    board_t *b = board_new();
    board_set_snapshot(b, &reply, s_now());
    if (cli->json) {
        json_t *j = board_json(b);
        char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        puts(s);
        free(s);
        json_decref(j);
    } else {
        char *text = board_text(b);
        fputs(text, stdout);
        free(text);
    }
    board_destroy(&b);
    return EXIT_OK;
}

static void s_signals(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = s_on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
}

/* The options; EXIT_OK or a usage error. */
static int s_options(const cli_cmd_t *me, int argc, char **argv, bool *once, bool *web,
                     web_opts_t *o)
{
    static const struct option opts[] = {{"once", no_argument, NULL, 'o'},
                                         {"web", no_argument, NULL, 'w'},
                                         {"web-token", required_argument, NULL, 't'},
                                         {"web-host", required_argument, NULL, 'H'},
                                         {0}};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'o')
            *once = true;
        else if (c == 'w')
            *web = true;
        else if (c == 't')
            o->token_file = optarg;
        else if (c == 'H' && o->n_names < WEB_NAMES)
            o->names[o->n_names++] = optarg;
        else if (c == 'H')
            return cli_usage(me, "--web-host paling banyak 8 kali");
        else
            return cli_bad_option(me, argc, argv);
    }
    if (*web && optind < argc)
        o->addr = argv[optind++];
    if (optind < argc)
        return cli_usage(me, "argumen berlebih \"%s\"", argv[optind]);
    if (*once && *web)
        return cli_usage(me, "--once dan --web tidak dapat dipakai bersama");
    if (!*web && (o->token_file || o->n_names))
        return cli_usage(me, "--web-token dan --web-host hanya berlaku dengan --web");
    return EXIT_OK;
}

int cli_monitor(cli_t *cli, int argc, char **argv)
{
    static const cli_cmd_t me = {
        "monitor", NULL, "[--once] | --web [ALAMAT:PORT] [--web-token BERKAS] [--web-host NAMA]...",
        NULL};
    bool once = false, web = false;
    web_opts_t o = {0};
    int rc = s_options(&me, argc, argv, &once, &web, &o);
    if (rc != EXIT_OK)
        return rc;
    if (web) {
        s_signals();
        return s_web(cli, &me, &o);
    }
    if (!once && (cli->json || !isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)))
        return cli_usage(&me, "papan langsung memerlukan terminal; untuk skrip gunakan "
                              "lkip monitor --once (dengan --json untuk JSON), untuk peramban "
                              "lkip monitor --web");
    rc = cli_connect(cli);
    if (rc != EXIT_OK || once)
        return rc == EXIT_OK ? s_once(cli) : rc;
    monitor_t m = {.cli = cli, .board = board_new(), .dirty = true};
    static const evstream_hooks_t hooks = {.state = s_state, .error = s_error};
    m.stream = evstream_new(cli, "monitor-seq", &hooks, &m);
    evstream_board_hints(m.stream); /* changes nobody told this user of */
    rc = evstream_start(m.stream);
    if (rc == EXIT_OK) {
        board_set_conn(m.board, BOARD_LIVE, NULL);
        s_signals();
        rc = s_loop(&m);
    }
    s_pager_close(&m);
    evstream_destroy(&m.stream);
    board_destroy(&m.board);
    return rc;
}
