/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__BUILTIN_H
#define KVM__BUILTIN_H

/*
 * One entry point per subcommand, each in its own builtin-NAME.c.  argv[0]
 * is the command's name; the return value is lkvm's exit status.
 */
int cmd_help(int argc, const char **argv);
int cmd_version(int argc, const char **argv);
int cmd_run(int argc, const char **argv);
int cmd_setup(int argc, const char **argv);
int cmd_sandbox(int argc, const char **argv);
int cmd_list(int argc, const char **argv);
int cmd_stop(int argc, const char **argv);
int cmd_pause(int argc, const char **argv);
int cmd_resume(int argc, const char **argv);
int cmd_balloon(int argc, const char **argv);
int cmd_stat(int argc, const char **argv);
int cmd_debug(int argc, const char **argv);

#endif /* KVM__BUILTIN_H */
