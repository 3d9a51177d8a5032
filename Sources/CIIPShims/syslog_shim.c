#include "iip_shims.h"

#include <syslog.h>

void iip_syslog_open(const char *ident) { openlog(ident, LOG_PID, LOG_USER); }

void iip_syslog_write(int priority, const char *message) { syslog(priority, "%s", message); }
