// ptgen/ptgen.hpp: everything of the run-time and compile-time library but Boost.Hana's list
// of formats (ptgen/all_formats.hpp), so that freestanding users need no Boost.
#pragma once

#include "core/address.hpp"
#include "core/counting_handler.hpp"
#include "core/cpu_sharing.hpp"
#include "core/cursor.hpp"
#include "core/engine.hpp"
#include "core/flags.hpp"
#include "core/fork_copy.hpp"
#include "core/format.hpp"
#include "core/handler_memory.hpp"
#include "core/mappings.hpp"
#include "core/memory.hpp"
#include "core/page_table.hpp"
#include "core/reader_epochs.hpp"
#include "core/result.hpp"
#include "core/static_arena.hpp"
#include "core/table_budget.hpp"
#include "page_tables.hpp"
#include "tlb/no_tlb.hpp"
#include "tlb/shootdown.hpp"
