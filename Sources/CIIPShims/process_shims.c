// Child processes: what glibc offers for posix_spawn only under _GNU_SOURCE, which Swift's Glibc module leaves out.
#include "iip_shims.h"

#include <spawn.h>

int iip_spawn_close_from(posix_spawn_file_actions_t *actions, int descriptor) {
    return posix_spawn_file_actions_addclosefrom_np(actions, descriptor);
}
