// A freestanding object holding boot tables in .ptgen.boot (linked by run.sh).
#include "layout.hpp"

PTGEN_BOOT_TABLES(boot_tables, link_test::image);

extern "C" void _start() {}
