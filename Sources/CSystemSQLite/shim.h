#ifndef LAVA_CSYSTEMSQLITE_SHIM_H
#define LAVA_CSYSTEMSQLITE_SHIM_H

#include <sqlite3.h>

#endif
