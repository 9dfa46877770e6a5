/* The mimic subcommands other than run (tools/mimic_boot.c). */
#ifndef MIMIC_TOOLS_CMD_H
#define MIMIC_TOOLS_CMD_H

int mimic_cmd_boot(int argc, char **argv);
int mimic_cmd_machines(int argc, char **argv);

#endif
