#ifndef LAVA_CSPAWN_SHIM_H
#define LAVA_CSPAWN_SHIM_H

#include <spawn.h>

// glibc (2.34+) declares this only under _GNU_SOURCE, which Swift's Glibc module is built
// without: declared here so that a spawned lava-run inherits no descriptor but 0, 1 and 2.
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);

#endif
