#ifndef LAVA_CSYSTEMD_SHIM_H
#define LAVA_CSYSTEMD_SHIM_H

// sd_notify for Type=notify services and the watchdog; sd_journal_sendv (not the variadic
// sd_journal_send, which Swift cannot call) for structured journal entries.
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#include <sys/uio.h>

#endif
