#ifndef LAVA_CEXPAT_SHIM_H
#define LAVA_CEXPAT_SHIM_H

// libexpat: the XML parser Python's xmlrpc.client (lavacli's, and LAVA's own) is built on.
#include <expat.h>

#endif
