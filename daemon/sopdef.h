/* sopdef — an SOP definition read from its human-readable YAML file (libyaml): the steps with
 * their number, uraian, actor role, kelengkapan, waktu, output, keterangan and the step kind the
 * engine runs. Pure: no database; the daemon stores the source text as a versioned definition
 * and parses it again when it needs the steps. Nothing here is specific to LKIP. Any thread: a
 * parsed definition is only read. */
#ifndef LKIP_SOPDEF_H
#define LKIP_SOPDEF_H

#include "util.h"

/* Limits of a definition file. */
#define SOPDEF_MAX_BYTES (1024 * 1024) /* whole file */
#define SOPDEF_MAX_STEPS 100           /* steps in langkah */
#define SOPDEF_MAX_TEXT  1000          /* bytes of one text value */
#define SOPDEF_MAX_TIME  100000        /* largest N of a waktu "<N> menit|jam|hari" */
#define SOPDEF_MAX_SHORT 32            /* bytes of a step's short name (singkat) */

/* What the engine does with a step (LKIP.md, "engine behaviour"). */
typedef enum {
    SOP_TASK,      /* the actor completes it with a note (and a document where required) */
    SOP_FANOUT,    /* completing it opens one data task per active unit of the organisation */
    SOP_FANIN,     /* done when every unit submitted, or closed by the actor (missing recorded) */
    SOP_DECISION,  /* approve -> next step, or return -> return_to with a written reason */
    SOP_NUMBERING, /* completing it allocates the organisation's next letter number */
    SOP_ARCHIVE,   /* completing it records the final document and its hash, closes the run */
} sop_kind_t;

typedef enum {
    SOP_MINUTES, /* "menit" */
    SOP_HOURS,   /* "jam" */
    SOP_DAYS,    /* "hari" */
} sop_unit_t;

typedef enum {
    SOP_DOC_NONE,     /* the step has no document output */
    SOP_DOC_OPTIONAL, /* a document version may be uploaded (e.g. a corrected version) */
    SOP_DOC_REQUIRED, /* completing needs a version uploaded in this run of the step */
} sop_doc_t;

/* When to remind and escalate (issue 4). Defaults: 75% of the working duration, 1 working hour
 * before due, escalation every working day while overdue. */
#define SOP_MAX_PERCENTS 4
typedef struct {
    int n_percents;                 /* 0..4; 0: no percent reminders ("persen: []") */
    int percents[SOP_MAX_PERCENTS]; /* 1..99, ascending */
    int before_minutes;             /* working minutes before due; 0: none */
    bool escalate;                  /* overdue escalates to the actor role's supervisor */
    int escalate_every_days;        /* repeated every N working days while overdue (>= 1) */
} sop_reminders_t;

typedef struct {
    int no;            /* 1..n, in file order */
    char *uraian;      /* what is done, as the SOP writes it */
    char *short_name;  /* singkat: a few words for boards ("Koreksi dokumen"); without it the
                        * first words of uraian */
    char *actor;       /* role code, e.g. "kasubag_perencanaan" */
    char *kelengkapan; /* "Kelengkapan dan Peralatan"; "" when none */
    char *waktu;       /* as written, e.g. "7 hari" */
    int time_value;    /* 1..100000 */
    sop_unit_t time_unit;
    bool wall_clock;  /* waktu counts calendar time instead of working time */
    char *output;     /* "" when none */
    char *keterangan; /* "" when none */
    sop_kind_t kind;
    sop_doc_t document;
    int return_to;           /* SOP_DECISION: the step a return goes back to; else 0 */
    char *unit_role;         /* SOP_FANOUT: role of the unit users who get the data task; "" else */
    bool makes_unit_formats; /* "format_unit: true": completing the step makes the data format
                              * each unit fills (at most one step, at or before the sebar step) */
    bool makes_draft;        /* "draft_lkip: true" (a tugas step, at most one): completing the
                              * step without a document uploaded in its run writes the LKIP
                              * draft (report/draft.h) as its document; its actor and the next
                              * step's may write it again (lkip draft --regenerate) */
    sop_reminders_t reminders;
} sop_step_t;

typedef struct sopdef {
    char *code;         /* short identifier, e.g. "LKIP" ([A-Z0-9_-], 1..32) */
    char *number;       /* "Nomor SOP", e.g. "35/DKIP/SOP/I/2023"; "" when none */
    char *title;        /* "Nama SOP" */
    char *watcher_role; /* role told of every step completed (e.g. "sekretaris"); "" none */
    int n_steps;
    sop_step_t *steps; /* steps[i].no == i + 1 */
} sopdef_t;

/* Parses a definition. name is used in error messages (usually the file name). On failure
 * returns NULL and writes "name:line: reason" into err (reason in English). Caller owns the
 * result (sopdef_destroy). */
sopdef_t *sopdef_parse(const char *name, const char *text, size_t len, char *err, size_t errlen);

/* Reads and parses a file (at most 1 MiB). Same contract as sopdef_parse, except that a file
 * that cannot be read gives "path: could not read file: reason" (no line). */
sopdef_t *sopdef_load_file(const char *path, char *err, size_t errlen);

/* Frees the definition and nulls *self_p; accepts NULL and *self_p == NULL. */
void sopdef_destroy(sopdef_t **self_p);

/* The step numbered no, or NULL. */
const sop_step_t *sopdef_step(const sopdef_t *def, int no);

/* Names of kinds, units and document rules as written in definition files ("tugas", "hari",
 * "wajib", ...); "?" for a value out of range. Static strings. */
const char *sop_kind_name(sop_kind_t kind);
const char *sop_unit_name(sop_unit_t unit);
const char *sop_doc_name(sop_doc_t doc);

#endif
