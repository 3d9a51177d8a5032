#include <libmemcached/memcached.h>
#include <libmemcachedutil-1.0/pool.h>
