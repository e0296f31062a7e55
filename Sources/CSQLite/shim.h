#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift cannot import.
static const sqlite3_destructor_type lectern_sqlite_transient = SQLITE_TRANSIENT;

// Extended result codes are macros built from expressions, which Swift does not import.
static const int lectern_sqlite_constraint_unique = SQLITE_CONSTRAINT_UNIQUE;
static const int lectern_sqlite_constraint_primarykey = SQLITE_CONSTRAINT_PRIMARYKEY;
static const int lectern_sqlite_constraint_foreignkey = SQLITE_CONSTRAINT_FOREIGNKEY;

// sqlite3_config is variadic, which Swift cannot call. Turns off SQLite's memory statistics,
// which take a process-wide mutex on every allocation and free; returns SQLITE_MISUSE once
// SQLite is initialized (then the setting stays as it was).
static inline int lectern_sqlite_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
