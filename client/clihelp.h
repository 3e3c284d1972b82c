/* clihelp — `--help` (or -h) for every command and subcommand of lkip, in Bahasa Indonesia: its
 * arguments, options and an example, from one table. main answers it before running the command
 * (so no command runs for a --help); unknown options are reported by cli_bad_option. */
#ifndef LKIP_CLIHELP_H
#define LKIP_CLIHELP_H

#include <stdbool.h>
#include <stdio.h>

/* True when args (a subcommand's argv, argv[0] its name) ask for help: --help or -h before a
 * "--". */
bool clihelp_asked(int argc, char **argv);

/* Prints the help of the longest command named by the leading words of argv ("admin user add"
 * for `admin user add --help`) to out. Returns false when argv[0] names no command. */
bool clihelp_print(FILE *out, int argc, char **argv);

/* The help of the command named exactly path ("calendar due"); NULL when none. For tests. */
const char *clihelp_usage(const char *path);

#endif
