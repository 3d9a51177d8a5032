// The decoder module ABI's layout, checked when the server is built: these offsets are what a module compiled by
// any C compiler on the same platform must agree with, so a change that moves a member fails here first (and must
// come with a new IIPSRV_ASYNC_MODULE_ABI_VERSION).
#include <stddef.h>

#include "iipsrv_async_module.h"

_Static_assert(offsetof(iipsrv_async_module, abi_version) == 0, "abi_version must stay the first member");
_Static_assert(sizeof(iipsrv_async_image_info) == 16, "iipsrv_async_image_info is four uint32_t");
_Static_assert(sizeof(iipsrv_async_level_info) == 16, "iipsrv_async_level_info is four uint32_t");
_Static_assert(
    offsetof(iipsrv_async_pixels, width) == sizeof(void *) + 16, "iipsrv_async_pixels: width follows row_bytes");
_Static_assert(
    offsetof(iipsrv_async_module, name) == 8, "iipsrv_async_module: name follows the two uint32_t members");
_Static_assert(
    offsetof(iipsrv_async_module, error_text) == 8 + 8 * sizeof(void *),
    "iipsrv_async_module: two strings, then error_text after six function pointers");
