// The exit status of `pdap` (and of `python -m pdap`, which follows the same scheme):
//   0 (or, for `pdap run`, the program's own status when it ends under the debugger)
//   1   the command line is wrong: unknown option, missing argument, no such file, nothing to run
//   2   pdap could not do what was asked: cannot launch or attach, a port in use, the adapter went away
//   130 quit with Ctrl-C
// Commander exits with 1 on its own parse errors, and so does `python -m pdap`.
export const EXIT_USAGE = 1;
export const EXIT_FAILED = 2;
export const EXIT_INTERRUPTED = 130;
